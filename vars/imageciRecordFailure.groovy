import groovy.transform.Field

/*
 * Puts a failed run in the image history, so that every attempt is there: when imageci build
 * recorded it (its result names a history id) the record is delivered; when the run failed before
 * imageci build (refused parameters, no Docker, no CLI, the Dockerfile not generated) the attempt
 * is recorded now with imageci history record. Best effort: a failure here is a WARNING, never
 * the run's error.
 */

@Field static final Map ARGS = [
    error: [String],
    status: [String, 'failed'],
    image: [String, ''],
    config: [String, ''],
    requestId: [String, ''],
    resultFile: [String, ''],
    cli: [String, ''],
]

@Field static final List STATUSES = ['failed', 'cancelled']

@Field static final String DIRECTORY = '.imageci/failure'

// Texts travel in files: read into quoted variables, they are arguments, never shell code.
@Field static final String RECORD_FAILURE = '''set -eu
case "$IMAGECI_CLI" in
  *.jar) set -- java -jar "$IMAGECI_CLI" ;;
  *) set -- "$IMAGECI_CLI" ;;
esac
texts=.imageci/failure
set -- "$@" history record --status="$IMAGECI_STATUS" --error="$(cat "$texts/error")" \\
  --image="$(cat "$texts/image")"
request=$(cat "$texts/request-id")
if [ -n "$request" ]; then set -- "$@" --request-id="$request"; fi
if [ -n "$IMAGECI_CONFIG" ] && [ -f "$IMAGECI_CONFIG" ]; then
  set -- "$@" --config="$IMAGECI_CONFIG"
fi
"$@" > "$texts/id"
'''

/** Returns the history id of the run's record, or null when it could not be recorded. */
String call(Map args = [:]) {
    Map opts = imageciArgs('imageciRecordFailure', ARGS, args)
    if (!(opts.status in STATUSES)) {
        error('imageciRecordFailure: status must be failed or cancelled, got ' + opts.status)
    }
    String id = null
    try {
        id = recordOrDeliver(opts)
    } catch (InterruptedException interrupted) {
        throw interrupted
    } catch (Exception failure) {
        echo('WARNING: imageciRecordFailure: this failed run may be missing from the image ' +
            'history: ' + failure.message)
    }
    return id
}

String recordOrDeliver(Map opts) {
    String built = builtRecord(opts.resultFile)
    if (built) {
        imageciRecord(cli: opts.cli)
        return built
    }
    String cli = locate(opts.cli)
    return cli ? record(opts, cli) : null
}

/** The history id in the build's result file, when imageci build wrote one. */
String builtRecord(String resultFile) {
    if (!resultFile || !fileExists(resultFile)) {
        return null
    }
    Map result = imageciBuild.parse(readFile(resultFile))
    return result?.historyId ? String.valueOf(result.historyId) : null
}

/** The CLI's path, or null (said in the console) when this agent has none to record with. */
String locate(String cli) {
    String found = null
    try {
        found = imageciCli(cli: cli)
    } catch (InterruptedException interrupted) {
        throw interrupted
    } catch (Exception unavailable) {
        echo('WARNING: imageciRecordFailure: the imageci CLI is unavailable on this agent, so ' +
            'this failed run is not in the image history, only in this console log: ' +
            unavailable.message)
    }
    return found
}

String record(Map opts, String cli) {
    writeFile(file: DIRECTORY + '/error', text: opts.error)
    writeFile(file: DIRECTORY + '/image', text: opts.image)
    writeFile(file: DIRECTORY + '/request-id', text: opts.requestId)
    int status = 0
    withEnv(imageciArgs.environment('imageciRecordFailure', [IMAGECI_CLI: cli,
        IMAGECI_STATUS: opts.status, IMAGECI_CONFIG: opts.config])) {
        status = sh(script: RECORD_FAILURE, returnStatus: true)
    }
    if (status != 0) {
        echo('WARNING: imageciRecordFailure: imageci history record failed with exit status ' +
            status + ' (see the log above); this failed run is not in the image history')
        return null
    }
    String id = readFile(DIRECTORY + '/id').trim()
    echo('imageciRecordFailure: this ' + opts.status + ' run is recorded as history ' + id +
        ' (imageci history show ' + id + ')')
    return id
}
