package dev.imageci.jenkins

/**
 * An agent whose workspace is a map and whose shell is a closure the test gives. By default the
 * CLI is found at CLI (unless cliMissing), every other script exits 0, and a successful
 * imageci history record prints RECORDED_ID.
 */
class FakeAgent implements Agent {

    static final String CLI = '/opt/imageci/bin/imageci'

    static final String RECORDED_ID = '0000000000e1'

    /** When set, the CLI is not found on this agent. */
    boolean cliMissing = false

    final Map<String, String> files = [:]
    final List<String> archived = []
    final List<Map> scripts = []

    /** Answers a script run: called with (script, environment), returns the exit status. */
    Closure<Integer> shell = { String script, Map environment -> 0 }

    @Override
    int sh(String script, Map<String, String> environment) {
        scripts.add([script: script, env: new LinkedHashMap(environment)])
        if (script.startsWith('bash .imageci/locate-cli.sh')) {
            if (cliMissing) {
                return 1
            }
            files['.imageci/cli-path'] = (environment.IMAGECI_CLI ?: CLI) + '\n'
            return 0
        }
        int status = shell.call(script, environment)
        if (status == 0 && script.contains(' history record ')) {
            files['.imageci/failure/id'] = RECORDED_ID + '\n'
        }
        return status
    }

    @Override
    void writeFile(String path, String text) {
        files[path] = text
    }

    @Override
    String readFile(String path) {
        if (!files.containsKey(path)) {
            throw new FileNotFoundException(path)
        }
        return files[path]
    }

    @Override
    boolean fileExists(String path) {
        return files.containsKey(path)
    }

    @Override
    void archive(String artifacts) {
        archived.addAll(artifacts.split(',')*.trim())
    }

    /** The scripts run that contain the given text, with the environment each ran with. */
    List<Map> scriptsContaining(String text) {
        return scripts.findAll { it.script.contains(text) }
    }
}
