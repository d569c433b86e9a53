package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ImageciRenderTest extends PipelineTestSupport {

    FakeAgent fake = (FakeAgent) agent

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
    }

    @Test
    void rendersTheFormWithValuesOnlyInTheEnvironment() {
        String dockerfile = callStep('imageciRender', [config: 'team/web.yaml'])

        assertThat(dockerfile).isEqualTo('imageci/Dockerfile')
        Map render = fake.scriptsContaining(' render ').first()
        assertThat(render.script).doesNotContain('team/web.yaml')
        assertThat(render.env).containsEntry('IMAGECI_CONFIG', 'team/web.yaml')
            .containsEntry('IMAGECI_DOCKERFILE', 'imageci/Dockerfile')
            .containsEntry('IMAGECI_CLI', FakeAgent.CLI)
        assertThat(fake.archived).containsExactly('imageci/Dockerfile')
        assertThat(stepNames('imageciArgs', 'imageciCli', 'writeFile', 'withEnv', 'sh',
            'archiveArtifacts', 'echo')).containsExactly('imageciArgs', 'imageciCli',
                'imageciArgs', 'writeFile', 'withEnv', 'sh', 'withEnv', 'sh', 'archiveArtifacts',
                'echo')
    }

    @Test
    void takesTheOutputPathAndCanLeaveTheDockerfileUnarchived() {
        callStep('imageciRender', [config: 'a.yaml', dockerfile: 'out/Dockerfile',
                                   archive: false, cli: '/usr/local/bin/imageci'])

        Map render = fake.scriptsContaining(' render ').first()
        assertThat(render.env).containsEntry('IMAGECI_DOCKERFILE', 'out/Dockerfile')
            .containsEntry('IMAGECI_CLI', '/usr/local/bin/imageci')
        assertThat(fake.archived).isEmpty()
    }

    @Test
    void failsWithTheProblemsOfAnInvalidForm() {
        fake.shell = { String script, Map env ->
            fake.files['imageci/Dockerfile.problems'] = 'a.yaml: tag: must be a tag (got "x y")\n'
            return 2
        }

        assertThatThrownBy { callStep('imageciRender', [config: 'a.yaml']) }
            .isInstanceOf(AbortException)
            .hasMessage('imageciRender: a.yaml is not a valid image form (imageci exit ' +
                'status 2):\na.yaml: tag: must be a tag (got "x y")')
        assertThat(fake.archived).isEmpty()
    }

    @Test
    void refusesUnknownArgumentsAndRequiresTheConfig() {
        assertThatThrownBy { callStep('imageciRender', [config: 'a.yaml', dockerFile: 'x']) }
            .isInstanceOf(AbortException)
            .hasMessage('imageciRender: unknown argument(s) dockerFile; it accepts archive, ' +
                'cli, config, dockerfile')
        assertThatThrownBy { callStep('imageciRender', [:]) }
            .hasMessage('imageciRender: the argument config is required (String)')
        assertThat(fake.scripts).isEmpty()
    }
}
