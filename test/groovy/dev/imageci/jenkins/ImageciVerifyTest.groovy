package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ImageciVerifyTest extends PipelineTestSupport {

    FakeAgent fake = (FakeAgent) agent

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
    }

    @Test
    void checksTheCliDockerAndTheFormAndReturnsTheCli() {
        String cli = callStep('imageciVerify', [config: 'web.yaml'])

        assertThat(cli).isEqualTo(FakeAgent.CLI)
        Map verify = fake.scriptsContaining('--version').first()
        assertThat(verify.env).containsEntry('IMAGECI_CONFIG', 'web.yaml')
            .containsEntry('IMAGECI_CHECK_DOCKER', 'true')
        assertThat(verify.script).isEqualTo(step('imageciVerify').VERIFY)
        assertThat(echoed.last()).isEqualTo('imageciVerify: the agent has the CLI and Docker, ' +
            'and web.yaml is valid')
    }

    @Test
    void namesWhatTheAgentLacks() {
        fake.shell = { String script, Map env -> 3 }
        assertThatThrownBy { callStep('imageciVerify', [config: 'web.yaml']) }
            .isInstanceOf(AbortException)
            .hasMessageStartingWith('imageciVerify: the imageci CLI does not run on this agent')

        fake.shell = { String script, Map env -> 4 }
        assertThatThrownBy { callStep('imageciVerify', [config: 'web.yaml', docker: true]) }
            .hasMessageStartingWith('imageciVerify: the Docker daemon does not answer')
    }

    @Test
    void failsWithTheProblemsOfAnInvalidForm() {
        fake.shell = { String script, Map env ->
            fake.files['.imageci/verify-problems'] = 'web.yaml: image: is required\n'
            return 2
        }

        assertThatThrownBy { callStep('imageciVerify', [config: 'web.yaml', docker: false]) }
            .hasMessage('imageciVerify: web.yaml is not a valid image form:\n' +
                'web.yaml: image: is required')
    }

    @Test
    void refusesUnknownArguments() {
        assertThatThrownBy { callStep('imageciVerify', [config: 'a', timeoutMinutes: 3]) }
            .hasMessage('imageciVerify: unknown argument(s) timeoutMinutes; it accepts cli, ' +
                'config, docker')
    }
}
