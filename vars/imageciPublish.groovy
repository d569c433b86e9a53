import groovy.transform.Field

/*
 * Publishes a pushed image: checks that the build result names a digest, shows the reference
 * with its digest as the build's description and in the log, and returns it.
 */

@Field static final Map ARGS = [
    result: [Map],
    describe: [Boolean, true],
]

@Field static final List PUSHED = ['succeeded', 'reused']

/** Returns IMAGE@DIGEST; a result without a pushed digest fails the build. */
String call(Map args = [:]) {
    Map opts = imageciArgs('imageciPublish', ARGS, args)
    Map result = opts.result
    if (!PUSHED.contains(result.status) || !(result.digest ==~ /sha256:[0-9a-f]{64}/)) {
        error('imageciPublish: ' + result.image + ' was not pushed (status ' + result.status +
            ', digest ' + result.digest + ')')
    }

    String reference = result.image + '@' + result.digest
    if (opts.describe) {
        currentBuild.description = reference
    }
    echo('imageciPublish: pushed ' + reference + ' as ' + (result.tags ?: []).join(', '))
    return reference
}
