import groovy.transform.Field

/*
 * Finds the imageci command line on the agent, in the documented order: the cli argument or the
 * agent's IMAGECI_CLI, then imageci on PATH, then a build of an imageci checkout cached per commit.
 */

@Field static final Map ARGS = [
    cli: [String, ''],
    source: [String, ''],
]

@Field static final String LOCATE = 'bash .imageci/locate-cli.sh'

/** Returns the path of the CLI on this agent: an executable, or a jar to run with java -jar. */
String call(Map args = [:]) {
    Map opts = imageciArgs('imageciCli', ARGS, args)
    writeFile(file: '.imageci/locate-cli.sh',
        text: libraryResource('dev/imageci/jenkins/locate-cli.sh'))

    Map values = [IMAGECI_SOURCE: opts.source]
    if (opts.cli) {
        values.IMAGECI_CLI = opts.cli
    }
    List environment = imageciArgs.environment('imageciCli', values)
    String found = ''
    int status = 0
    withEnv(environment) {
        // The script prints the path on stdout and why it failed on stderr (the console).
        status = sh(script: LOCATE + ' > .imageci/cli-path', returnStatus: true)
        if (status == 0) {
            found = readFile('.imageci/cli-path').trim()
        }
    }
    if (status != 0 || !found) {
        error('imageciCli: no usable imageci command line on this agent (see the line above); ' +
            'set the cli argument or IMAGECI_CLI, put imageci on PATH, or build from a checkout')
    }
    return found
}
