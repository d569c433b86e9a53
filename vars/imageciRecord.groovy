import com.cloudbees.groovy.cps.NonCPS
import groovy.json.JsonSlurperClassic
import groovy.transform.Field

/*
 * Makes sure a build is in the image history: delivers records the CLI had to keep on local disk
 * (imageci history flush), then finds the build's record by the history id in its result.
 */

@Field static final Map ARGS = [
    result: [Map, null],
    cli: [String, ''],
]

@Field static final String RECORD = '''set -eu
case "$IMAGECI_CLI" in
  *.jar) set -- java -jar "$IMAGECI_CLI" ;;
  *) set -- "$IMAGECI_CLI" ;;
esac
"$@" history flush
mkdir -p .imageci
if [ -n "$IMAGECI_IMAGE" ]; then
  "$@" history "$IMAGECI_IMAGE" --json --limit 50 > .imageci/history.json
fi
'''

/**
 * Returns the history record of the result's build, or null when no result was given (a build
 * that failed before imageci build ran has none: only pending records are delivered then).
 */
Map call(Map args = [:]) {
    Map opts = imageciArgs('imageciRecord', ARGS, args)
    Map result = opts.result
    if (result != null && !(result.image && result.historyId)) {
        error('imageciRecord: the result names no image and history id to look for')
    }
    String cli = imageciCli(cli: opts.cli)

    int status = 0
    withEnv(imageciArgs.environment('imageciRecord', [IMAGECI_CLI: cli,
        IMAGECI_IMAGE: result == null ? '' : result.image])) {
        status = sh(script: RECORD, returnStatus: true)
    }
    if (status != 0) {
        error('imageciRecord: imageci history failed with exit status ' + status +
            ' (see the log above)')
    }
    if (result == null) {
        echo('imageciRecord: pending history records delivered')
        return null
    }

    Map record = find(readFile('.imageci/history.json'), String.valueOf(result.historyId))
    if (record == null) {
        error('imageciRecord: history record ' + result.historyId + ' of ' + result.image +
            ' not found in imageci history')
    }
    echo('imageciRecord: ' + result.image + ' recorded as history ' + result.historyId +
        ' (imageci history show ' + result.historyId + ')')
    return record
}

/** The record with the given id in a JSON array of history records, or null. */
// Limitation: records are matched by an `id` field, assumed until imageci history is merged.
@NonCPS
static Map find(String json, String id) {
    Object records
    try {
        records = new JsonSlurperClassic().parseText(json)
    } catch (IllegalArgumentException | groovy.json.JsonException e) {
        records = e.message
    }
    List list = records instanceof List ? (List) records : []
    return (Map) list.find { it instanceof Map && String.valueOf(it.id) == id }
}
