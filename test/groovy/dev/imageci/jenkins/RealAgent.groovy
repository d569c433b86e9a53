package dev.imageci.jenkins

import groovy.io.FileType

import java.nio.file.FileSystems
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.PathMatcher
import java.nio.file.StandardCopyOption
import java.util.concurrent.TimeUnit

/**
 * An agent that does the work for real: a workspace directory, scripts run by /bin/bash with
 * exactly the environment the pipeline set (as Jenkins' sh step does), and an archive directory.
 */
class RealAgent implements Agent {

    final Path workspace
    final Path archiveDir
    final Map<String, String> baseEnvironment
    final StringBuilder log = new StringBuilder()

    RealAgent(Path workspace, Path archiveDir, Map<String, String> baseEnvironment) {
        this.workspace = workspace
        this.archiveDir = archiveDir
        this.baseEnvironment = baseEnvironment
    }

    @Override
    int sh(String script, Map<String, String> environment) {
        Path file = Files.createTempFile(workspace.parent, 'script', '.sh')
        file.text = script
        ProcessBuilder builder = new ProcessBuilder('/bin/bash', file.toString())
            .directory(workspace.toFile())
            .redirectErrorStream(true)
        builder.environment().clear()
        builder.environment().putAll(baseEnvironment)
        builder.environment().putAll(environment)
        Process process = builder.start()
        process.outputStream.close()
        process.inputStream.eachLine { log.append(it).append('\n') }
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly()
            throw new IllegalStateException('script still running after 15 minutes')
        }
        Files.delete(file)
        return process.exitValue()
    }

    @Override
    void writeFile(String path, String text) {
        Path target = workspace.resolve(path)
        Files.createDirectories(target.parent)
        target.setText(text, 'UTF-8')
    }

    @Override
    String readFile(String path) {
        return workspace.resolve(path).getText('UTF-8')
    }

    @Override
    boolean fileExists(String path) {
        return Files.exists(workspace.resolve(path))
    }

    @Override
    void archive(String artifacts) {
        for (String pattern : artifacts.split(',')*.trim()) {
            PathMatcher matcher = FileSystems.default.getPathMatcher('glob:' + pattern)
            workspace.toFile().eachFileRecurse(FileType.FILES) { File file ->
                Path found = file.toPath()
                if (matcher.matches(workspace.relativize(found))) {
                    Path copy = archiveDir.resolve(workspace.relativize(found).toString())
                    Files.createDirectories(copy.parent)
                    Files.copy(found, copy, StandardCopyOption.REPLACE_EXISTING)
                }
            }
        }
    }
}
