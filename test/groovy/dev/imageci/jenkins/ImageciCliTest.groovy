package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The imageciCli step and its locate-cli.sh, run for real by bash in a temporary workspace:
 * the configured path first, then imageci on PATH, then a Maven build cached per commit (with a
 * stand-in mvn that counts its runs and writes a jar).
 */
class ImageciCliTest extends PipelineTestSupport {

    @TempDir
    Path temp

    Path workspace
    Path bin
    Path home

    @BeforeEach
    void setUpLibrary() {
        workspace = Files.createDirectories(temp.resolve('workspace'))
        bin = Files.createDirectories(temp.resolve('bin'))
        home = temp.resolve('home')
        agent = new RealAgent(workspace, temp.resolve('archive'), [
            PATH: bin.toString() + ':/usr/bin:/bin',
            HOME: home.toString(),
        ])
        setUpPipeline()
    }

    @Test
    void prefersTheConfiguredCli() {
        Path jar = Files.createFile(temp.resolve('imageci.jar'))
        executable('imageci', 'exit 0')

        assertThat(callStep('imageciCli', [cli: jar.toString()])).isEqualTo(jar.toString())
    }

    @Test
    void takesTheAgentsImageciCliWhenNoArgumentIsGiven() {
        Path jar = Files.createFile(temp.resolve('agent.jar'))
        ((RealAgent) agent).baseEnvironment.IMAGECI_CLI = jar.toString()

        assertThat(callStep('imageciCli', [:])).isEqualTo(jar.toString())
    }

    @Test
    void usesImageciOnThePathNext() {
        Path onPath = executable('imageci', 'exit 0')

        assertThat(callStep('imageciCli', [:])).isEqualTo(onPath.toString())
    }

    @Test
    void buildsFromTheCheckoutOnceAndCachesItByCommit() {
        Path runs = temp.resolve('mvn-runs')
        executable('mvn', 'echo run >> "' + runs + '"\nmkdir -p target\n' +
            'echo jar > target/imageci.jar')
        workspace.resolve('pom.xml').text = '<project><artifactId>imageci</artifactId></project>'
        git('init', '-q')
        git('add', 'pom.xml')
        git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'x')
        String commit = git('rev-parse', 'HEAD').trim()

        String first = callStep('imageciCli', [:])
        String second = callStep('imageciCli', [:])

        assertThat(first).isEqualTo(home.resolve('.imageci/cli/' + commit + '/imageci.jar')
            .toString())
        assertThat(second).isEqualTo(first)
        assertThat(Files.readAllLines(runs)).hasSize(1)
    }

    @Test
    void cachesTheCheckoutsLauncherBesideTheJarAndPrintsIt() {
        executable('mvn', 'mkdir -p target\necho jar > target/imageci.jar')
        workspace.resolve('pom.xml').text = '<project><artifactId>imageci</artifactId></project>'
        Files.createDirectories(workspace.resolve('scripts'))
        for (String script : ['imageci', 'resident-client.pl']) {
            Files.copy(Path.of('scripts', script), workspace.resolve('scripts').resolve(script))
        }
        git('init', '-q')
        git('add', 'pom.xml')
        git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'x')
        Path cache = home.resolve('.imageci/cli/' + git('rev-parse', 'HEAD').trim())

        String found = callStep('imageciCli', [:])

        assertThat(found).isEqualTo(cache.resolve('imageci').toString())
        assertThat(Files.isExecutable(cache.resolve('imageci'))).isTrue()
        assertThat(cache.resolve('imageci').text).isEqualTo(Path.of('scripts/imageci').text)
        assertThat(cache.resolve('resident-client.pl').text)
            .isEqualTo(Path.of('scripts/resident-client.pl').text)
        assertThat(cache.resolve('imageci.jar').text).isEqualTo('jar\n')
    }

    @Test
    void failsClearlyWhenNothingWorks() {
        assertThatThrownBy { callStep('imageciCli', [:]) }
            .isInstanceOf(AbortException)
            .hasMessageStartingWith('imageciCli: no usable imageci command line on this agent')
        assertThat(((RealAgent) agent).log.toString())
            .contains('imageci: no imageci CLI on this agent: IMAGECI_CLI is not set, imageci ' +
                'is not on PATH')

        assertThatThrownBy { callStep('imageciCli', [cli: '/nonexistent/imageci']) }
            .hasMessageStartingWith('imageciCli: no usable imageci command line')
        assertThat(((RealAgent) agent).log.toString())
            .contains('is not a file: /nonexistent/imageci')
    }

    @Test
    void refusesUnknownArguments() {
        assertThatThrownBy { callStep('imageciCli', [path: 'x']) }
            .hasMessage('imageciCli: unknown argument(s) path; it accepts cli, source')
    }

    private Path executable(String name, String body) {
        Path file = bin.resolve(name)
        file.text = '#!/bin/sh\n' + body + '\n'
        file.toFile().setExecutable(true)
        return file
    }

    private String git(String... args) {
        Process process = new ProcessBuilder(['git', '-C', workspace.toString()] + args.toList())
            .redirectErrorStream(true).start()
        String output = process.inputStream.text
        assert process.waitFor() == 0: output
        return output
    }
}
