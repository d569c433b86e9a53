package dev.imageci.jenkins

/** The agent a test pipeline runs its workspace steps on: files and shell scripts. */
interface Agent {

    /** Runs a shell script with the given environment; returns its exit status. */
    int sh(String script, Map<String, String> environment)

    void writeFile(String path, String text)

    String readFile(String path)

    boolean fileExists(String path)

    /** Archives the workspace files matching a Jenkins artifacts pattern (comma separated). */
    void archive(String artifacts)
}
