import groovy.transform.Field

/*
 * Validates an image form and writes the Dockerfile rendered from it (imageci render).
 */

@Field static final Map ARGS = [
    config: [String],
    dockerfile: [String, 'imageci/Dockerfile'],
    archive: [Boolean, true],
    cli: [String, ''],
]

// Values arrive only through the environment; the script itself is a constant.
@Field static final String RENDER = '''set -eu
case "$IMAGECI_CLI" in
  *.jar) set -- java -jar "$IMAGECI_CLI" ;;
  *) set -- "$IMAGECI_CLI" ;;
esac
mkdir -p "$(dirname "$IMAGECI_DOCKERFILE")"
"$@" render "$IMAGECI_CONFIG" > "$IMAGECI_DOCKERFILE" 2> "$IMAGECI_DOCKERFILE.problems"
'''

/** Returns the Dockerfile's path; an invalid form fails the build with its problems. */
String call(Map args = [:]) {
    Map opts = imageciArgs('imageciRender', ARGS, args)
    String cli = imageciCli(cli: opts.cli)

    int status = 0
    withEnv(imageciArgs.environment('imageciRender', [IMAGECI_CLI: cli,
        IMAGECI_CONFIG: opts.config, IMAGECI_DOCKERFILE: opts.dockerfile])) {
        status = sh(script: RENDER, returnStatus: true)
    }
    if (status != 0) {
        String problems = readFile(opts.dockerfile + '.problems').trim()
        String what = status == 2 ? 'is not a valid image form' : 'could not be rendered'
        error('imageciRender: ' + opts.config + ' ' + what + ' (imageci exit status ' + status +
            '):\n' + problems)
    }

    if (opts.archive) {
        archiveArtifacts(artifacts: opts.dockerfile, fingerprint: true)
    }
    echo('imageciRender: wrote ' + opts.dockerfile + ' from ' + opts.config)
    return opts.dockerfile
}
