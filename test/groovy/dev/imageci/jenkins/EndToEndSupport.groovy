package dev.imageci.jenkins

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import org.junit.jupiter.api.io.TempDir

/**
 * Runs the Jenkinsfile on a RealAgent: real bash, files, environment and credentials, and the
 * real CLI (target/imageci.jar, which failsafe's imageci.jar property names, configured as the
 * agent's IMAGECI_CLI). The services come from scripts/services env.
 */
abstract class EndToEndSupport extends PipelineTestSupport {

    @TempDir
    Path temp

    RealAgent real
    Path jar
    Path imageciHome
    final String suffix = UUID.randomUUID().toString().substring(0, 8)

    void setUpAgent() {
        jar = Paths.get(System.getProperty('imageci.jar', 'target/imageci.jar'))
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toString() + ' is missing: run the end-to-end ' +
                'tests with mvn verify, which packages the CLI before failsafe runs them')
        }
        imageciHome = Files.createDirectories(temp.resolve('imageci-home'))
        Map<String, String> environment = [
            PATH: System.getenv('PATH'),
            HOME: temp.toString(),
            IMAGECI_CLI: jar.toString(),
            IMAGECI_HOME: imageciHome.toString(),
            DOCKER_HOST: required('DOCKER_HOST'),
            JOB_NAME: 'imageci-e2e',
            BUILD_NUMBER: '1',
        ]
        real = new RealAgent(Files.createDirectories(temp.resolve('workspace')),
            Files.createDirectories(temp.resolve('archive')), environment)
        agent = real
        setUpPipeline()
    }

    static String required(String name) {
        String value = System.getenv(name)
        if (!value) {
            throw new IllegalStateException(name + ' is not set: run scripts/services start and ' +
                'eval "$(scripts/services env)" first (scripts/test does)')
        }
        return value
    }

    /** Runs the CLI as the agent would, returning its standard output. */
    String imageci(String... args) {
        ProcessBuilder builder = new ProcessBuilder(['java', '-jar', jar.toString()] +
            args.toList())
        builder.environment().putAll(real.baseEnvironment)
        Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start()
        String output = process.inputStream.text
        assert process.waitFor() == 0: 'imageci ' + args.join(' ') + ' failed'
        return output
    }
}
