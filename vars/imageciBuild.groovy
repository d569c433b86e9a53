import com.cloudbees.groovy.cps.NonCPS
import groovy.json.JsonSlurperClassic
import groovy.transform.Field

/*
 * Builds an image from its form with imageci build, pushing it when asked, and returns the
 * CLI's JSON result as a map. The CLI records the attempt in the image history itself.
 */

@Field static final Map ARGS = [
    config: [String],
    push: [Boolean, false],
    credentialsId: [String, ''],
    timeoutMinutes: [Integer, 60],
    requestId: [String, ''],
    resultFile: [String, 'imageci/result.json'],
    noCache: [Boolean, false],
    pull: [Boolean, false],
    force: [Boolean, false],
    rmAfterPush: [Boolean, false],
    user: [String, ''],
    cli: [String, ''],
]

// Values arrive only through the environment; the script itself is a constant.
@Field static final String BUILD = '''set -eu
case "$IMAGECI_CLI" in
  *.jar) set -- java -jar "$IMAGECI_CLI" ;;
  *) set -- "$IMAGECI_CLI" ;;
esac
set -- "$@" build "$IMAGECI_CONFIG" --json --result-file "$IMAGECI_RESULT_FILE" \\
  --timeout "${IMAGECI_TIMEOUT_MINUTES}m"
if [ "$IMAGECI_PUSH" = true ]; then set -- "$@" --push; fi
if [ "$IMAGECI_NO_CACHE" = true ]; then set -- "$@" --no-cache; fi
if [ "$IMAGECI_PULL" = true ]; then set -- "$@" --pull; fi
if [ "$IMAGECI_FORCE" = true ]; then set -- "$@" --force; fi
if [ "$IMAGECI_RM_AFTER_PUSH" = true ]; then set -- "$@" --rm-after-push; fi
if [ -n "$IMAGECI_REQUEST_ID" ]; then set -- "$@" --request-id "$IMAGECI_REQUEST_ID"; fi
if [ -n "$IMAGECI_USER" ]; then set -- "$@" --user "$IMAGECI_USER"; fi
mkdir -p "$(dirname "$IMAGECI_RESULT_FILE")"
rm -f "$IMAGECI_RESULT_FILE"
# The result goes to the file; the build log (stderr) to the console.
"$@" > /dev/null
'''

@Field static final Map EXIT_MEANINGS = [
    1: 'failed',
    2: 'was refused: the form or the command line is invalid',
    124: 'timed out',
    130: 'was cancelled',
]

/** Returns the JSON result of a successful build as a map; any failure fails the build. */
Map call(Map args = [:]) {
    Map opts = imageciArgs('imageciBuild', ARGS, args)
    int minutes = imageciArgs.minutes('imageciBuild', 'timeoutMinutes', opts.timeoutMinutes)
    imageciArgs.requestId('imageciBuild', opts.requestId)
    String cli = imageciCli(cli: opts.cli)

    List environment = imageciArgs.environment('imageciBuild', [
        IMAGECI_CLI: cli,
        IMAGECI_CONFIG: opts.config,
        IMAGECI_RESULT_FILE: opts.resultFile,
        IMAGECI_TIMEOUT_MINUTES: minutes,
        IMAGECI_PUSH: opts.push,
        IMAGECI_NO_CACHE: opts.noCache,
        IMAGECI_PULL: opts.pull,
        IMAGECI_FORCE: opts.force,
        IMAGECI_RM_AFTER_PUSH: opts.rmAfterPush,
        IMAGECI_REQUEST_ID: opts.requestId,
        IMAGECI_USER: opts.user,
    ])
    int status = 0
    withEnv(environment) {
        if (opts.credentialsId) {
            echo('imageciBuild: registry credentials from the Jenkins credentials ' +
                opts.credentialsId)
            withCredentials([usernamePassword(credentialsId: opts.credentialsId,
                usernameVariable: 'IMAGECI_REGISTRY_USER',
                passwordVariable: 'IMAGECI_REGISTRY_PASSWORD')]) {
                status = sh(script: BUILD, returnStatus: true)
            }
        } else {
            status = sh(script: BUILD, returnStatus: true)
        }
    }

    Map result = fileExists(opts.resultFile) ? parse(readFile(opts.resultFile)) : [:]
    if (result == null) {
        error('imageciBuild: ' + opts.resultFile + ' does not hold a JSON result object')
    }
    if (status != 0) {
        String meaning = EXIT_MEANINGS[status] ?: 'ended with exit status ' + status
        String reason = result.error ? ': ' + result.error : ' (see the log above)'
        error('imageciBuild: the build of ' + opts.config + ' ' + meaning + reason)
    }
    if (opts.push && !result.digest) {
        error('imageciBuild: imageci reported a push of ' + result.image + ' without a digest')
    }
    echo('imageciBuild: ' + result.status + ' ' + reference(result))
    return result
}

/** The image reference a result names: image@digest when pushed, else image:firstTag. */
String reference(Map result) {
    if (result.digest) {
        return result.image + '@' + result.digest
    }
    List tags = result.tags ?: []
    return tags ? result.image + ':' + tags[0] : String.valueOf(result.image)
}

/** The JSON object in the text, or null when it holds none. */
// JsonSlurperClassic gives plain HashMaps and ArrayLists, which CPS can serialize.
@NonCPS
static Map parse(String json) {
    Object parsed
    try {
        parsed = new JsonSlurperClassic().parseText(json)
    } catch (IllegalArgumentException | groovy.json.JsonException e) {
        parsed = e.message
    }
    return parsed instanceof Map ? (Map) parsed : null
}
