import groovy.transform.Field

/*
 * The whole flow for one image form: verify the agent and the form, render and archive the
 * Dockerfile, build (and push), then make sure the build is in the image history.
 */

@Field static final Map ARGS = [
    config: [String],
    push: [Boolean, true],
    credentialsId: [String, ''],
    timeoutMinutes: [Integer, 60],
    requestId: [String, ''],
    dockerfile: [String, 'imageci/Dockerfile'],
    resultFile: [String, 'imageci/result.json'],
    noCache: [Boolean, false],
    pull: [Boolean, false],
    force: [Boolean, false],
    describe: [Boolean, true],
    cli: [String, ''],
]

/** Returns the build's JSON result as a map; any failure fails the build through error(). */
Map call(Map args = [:]) {
    Map opts = imageciArgs('imageciRun', ARGS, args)
    String cli = opts.cli
    boolean building = false
    Map result
    try {
        imageciArgs.requestId('imageciRun', opts.requestId)
        cli = imageciVerify(config: opts.config, cli: opts.cli)
        imageciRender(config: opts.config, dockerfile: opts.dockerfile, cli: cli)
        building = true
        result = imageciBuild(config: opts.config, push: opts.push,
            credentialsId: opts.credentialsId, timeoutMinutes: opts.timeoutMinutes,
            requestId: opts.requestId, resultFile: opts.resultFile, noCache: opts.noCache,
            pull: opts.pull, force: opts.force, cli: cli)
    } catch (Exception failure) {
        // A failed build's result holds its error: keep it. Every attempt goes to the history:
        // the build's record is delivered, one that failed before the build is recorded now.
        if (building) {
            keepResult(opts.resultFile)
        }
        imageciRecordFailure(error: failure.message ?: failure.toString(),
            status: failure instanceof InterruptedException ? 'cancelled' : 'failed',
            config: opts.config, requestId: opts.requestId,
            resultFile: building ? opts.resultFile : '', cli: cli)
        throw failure
    }
    keepResult(opts.resultFile)

    imageciRecord(result: result, cli: cli)
    if (opts.describe) {
        currentBuild.description = imageciBuild.reference(result)
    }
    return result
}

void keepResult(String resultFile) {
    if (fileExists(resultFile)) {
        archiveArtifacts(artifacts: resultFile, fingerprint: true)
    }
}
