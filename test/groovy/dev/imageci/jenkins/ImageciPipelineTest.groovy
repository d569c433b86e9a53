package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** The whole-pipeline step, its declarative body run by the DeclarativeInterpreter. */
class ImageciPipelineTest extends PipelineTestSupport {

    FakeAgent fake = (FakeAgent) agent

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
        FakeImageci.succeed(fake)
    }

    @Test
    void runsTheStagesOnTheTeamsFormWithTheDefaults() {
        callStep('imageciPipeline', [:])

        assertThat(declarative.stageResults.keySet()).containsExactly('Verify',
            'Generate Dockerfile', 'Build image', 'Push image', 'Record history')
        assertThat(declarative.stageResults.values()).containsOnly('succeeded')
        assertThat(declarative.agentLabel).isEqualTo('docker')
        assertThat(declarative.options).isEqualTo([timeout: [time: 60, unit: 'MINUTES'],
            buildDiscarder: [logRotator: [numToKeepStr: '50']]])
        assertThat(declarative.parameters).isEmpty()
        assertThat(fake.scriptsContaining(' build ').first().env)
            .containsEntry('IMAGECI_CONFIG', 'image.yaml').containsEntry('IMAGECI_PUSH', 'true')
        assertThat(currentBuild().description).isEqualTo('r.example.com/team/web@' +
            FakeImageci.DIGEST)
    }

    @Test
    void takesItsArgumentsIntoTheAgentOptionsAndBuild() {
        credentials['reg'] = ['u', 'p']

        callStep('imageciPipeline', [config: 'images/api.yaml', push: false, credentialsId: 'reg',
            timeoutMinutes: 20, agentLabel: 'linux && docker', keepBuilds: 5])

        assertThat(declarative.agentLabel).isEqualTo('linux && docker')
        assertThat(declarative.options.timeout).isEqualTo([time: 20, unit: 'MINUTES'])
        assertThat(declarative.stageResults['Push image']).isEqualTo('skipped by when')
        assertThat(fake.scriptsContaining(' build ').first().env)
            .containsEntry('IMAGECI_CONFIG', 'images/api.yaml')
            .containsEntry('IMAGECI_PUSH', 'false').containsEntry('IMAGECI_REGISTRY_USER', 'u')
    }

    @Test
    void refusesBadArgumentsBeforeThePipelineStarts() {
        assertThatThrownBy { callStep('imageciPipeline', [image: 'x']) }
            .isInstanceOf(AbortException)
            .hasMessageStartingWith('imageciPipeline: unknown argument(s) image;')
        assertThatThrownBy { callStep('imageciPipeline', [timeoutMinutes: 9000]) }
            .hasMessage('imageciPipeline: timeoutMinutes must be between 1 and 1440 minutes, ' +
                'got 9000')
        assertThat(declarative.stageResults).isEmpty()
    }

    @Test
    void failsTheBuildAndRecordsItWhenTheBuildLeftNoRecord() {
        fake.shell = { String script, Map env -> script.contains(' build ') ? 1 : 0 }

        assertThatThrownBy { callStep('imageciPipeline', [:]) }
            .hasMessage('imageciBuild: the build of image.yaml failed (see the log above)')
        assertThat(declarative.stageResults['Push image']).isEqualTo('skipped after a failure')
        assertThat(fake.scriptsContaining(' history record ').first().env)
            .containsEntry('IMAGECI_CONFIG', 'image.yaml')
            .containsEntry('IMAGECI_STATUS', 'failed')
        assertThat(fake.files['.imageci/failure/error'])
            .isEqualTo('imageciBuild: the build of image.yaml failed (see the log above)')
        assertThat(currentBuild().result).isEqualTo('FAILURE')
    }

    @Test
    void recordsARunThatFailedAtVerify() {
        fake.shell = { String script, Map env -> script.contains('--version') ? 4 : 0 }

        assertThatThrownBy { callStep('imageciPipeline', [:]) }
            .hasMessageStartingWith('imageciVerify: the Docker daemon does not answer')
        assertThat(calls('imageciRecordFailure')).hasSize(1)
        assertThat(fake.files['.imageci/failure/error'])
            .startsWith('imageciVerify: the Docker daemon does not answer')
        assertThat(fake.scriptsContaining(' build ')).isEmpty()
    }
}
