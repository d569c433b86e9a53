package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ImageciRunTest extends PipelineTestSupport {

    static final String DIGEST = 'sha256:' + '12' * 32

    FakeAgent fake = (FakeAgent) agent

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
        fake.shell = { String script, Map env ->
            if (script.contains(' build ')) {
                fake.files[env.IMAGECI_RESULT_FILE] = '{"image":"r/web","tags":["01"],' +
                    '"digest":"' + DIGEST + '","status":"succeeded","historyId":"5"}'
            }
            if (script.contains('history flush')) {
                fake.files['.imageci/history.json'] = '[{"id": "5"}]'
            }
            return 0
        }
    }

    @Test
    void runsVerifyRenderBuildAndRecordInOrder() {
        Map result = callStep('imageciRun', [config: 'web.yaml', requestId: 'r-1'])

        assertThat(result.digest).isEqualTo(DIGEST)
        assertThat(stepNames('imageciVerify', 'imageciRender', 'imageciBuild', 'imageciRecord',
            'archiveArtifacts')).containsExactly('imageciVerify', 'imageciRender',
                'archiveArtifacts', 'imageciBuild', 'archiveArtifacts', 'imageciRecord')
        assertThat(fake.scriptsContaining(' build ').first().env)
            .containsEntry('IMAGECI_PUSH', 'true').containsEntry('IMAGECI_REQUEST_ID', 'r-1')
        assertThat(fake.archived).containsExactly('imageci/Dockerfile', 'imageci/result.json')
        assertThat(currentBuild().description).isEqualTo('r/web@' + DIGEST)
    }

    @Test
    void keepsTheResultAndDeliversTheHistoryWhenTheBuildFails() {
        fake.shell = { String script, Map env ->
            if (script.contains(' build ')) {
                fake.files[env.IMAGECI_RESULT_FILE] = '{"image":"r/web","status":"failed",' +
                    '"error":"push refused: unauthorized","historyId":"6"}'
                return 1
            }
            return 0
        }

        assertThatThrownBy { callStep('imageciRun', [config: 'web.yaml', push: true]) }
            .isInstanceOf(AbortException)
            .hasMessage('imageciBuild: the build of web.yaml failed: push refused: unauthorized')
        assertThat(fake.archived).containsExactly('imageci/Dockerfile', 'imageci/result.json')
        assertThat(fake.scriptsContaining('history flush')).hasSize(1)
        assertThat(fake.scriptsContaining(' history record ')).isEmpty()
        assertThat(currentBuild().description).isNull()
    }

    @Test
    void stopsBeforeBuildingWhenVerifyFails() {
        fake.shell = { String script, Map env -> script.contains('--version') ? 4 : 0 }

        assertThatThrownBy { callStep('imageciRun', [config: 'web.yaml']) }
            .hasMessageStartingWith('imageciVerify: the Docker daemon does not answer')
        assertThat(stepNames('imageciRender', 'imageciBuild')).isEmpty()
    }

    @Test
    void recordsARunThatFailedBeforeTheBuildWithItsRequestId() {
        fake.shell = { String script, Map env -> script.contains(' render ') ? 2 : 0 }
        fake.files['.imageci/verify-problems'] = 'web.yaml: tag: must be a tag (got "a;b")'

        assertThatThrownBy { callStep('imageciRun', [config: 'web.yaml', requestId: 'r-2']) }
            .hasMessageStartingWith('imageciVerify: web.yaml is not a valid image form:')
        assertThat(calls('imageciRecordFailure')).hasSize(1)
        assertThat(fake.scriptsContaining(' history record ').first().env)
            .containsEntry('IMAGECI_CONFIG', 'web.yaml')
        assertThat(fake.files['.imageci/failure/request-id']).isEqualTo('r-2')
        assertThat(stepNames('imageciBuild')).isEmpty()
    }

    @Test
    void refusesUnknownArguments() {
        assertThatThrownBy { callStep('imageciRun', [config: 'web.yaml', rmAfterPush: true]) }
            .hasMessageStartingWith('imageciRun: unknown argument(s) rmAfterPush;')
    }
}
