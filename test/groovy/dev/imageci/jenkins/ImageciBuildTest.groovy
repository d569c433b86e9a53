package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ImageciBuildTest extends PipelineTestSupport {

    static final String DIGEST = 'sha256:' + 'ab' * 32
    static final String RESULT = '{"image":"r.example.com/team/web","tags":["07"],' +
        '"digest":"' + DIGEST + '","imageId":"sha256:1","status":"succeeded","historyId":12}'

    FakeAgent fake = (FakeAgent) agent

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
        credentials['registry'] = ['ci-bot', 'hunter2']
        fake.shell = { String script, Map env ->
            fake.files[env.IMAGECI_RESULT_FILE] = RESULT
            return 0
        }
    }

    @Test
    void buildsAndPushesWithEveryValueInTheEnvironment() {
        Map result = callStep('imageciBuild', [config: 'web.yaml', push: true,
            credentialsId: 'registry', timeoutMinutes: '15', requestId: 'req-42', force: true])

        assertThat(result).containsEntry('digest', DIGEST).containsEntry('historyId', 12)
        Map build = fake.scriptsContaining(' build ').first()
        assertThat(build.env).containsEntry('IMAGECI_CONFIG', 'web.yaml')
            .containsEntry('IMAGECI_PUSH', 'true')
            .containsEntry('IMAGECI_FORCE', 'true')
            .containsEntry('IMAGECI_NO_CACHE', 'false')
            .containsEntry('IMAGECI_TIMEOUT_MINUTES', '15')
            .containsEntry('IMAGECI_REQUEST_ID', 'req-42')
            .containsEntry('IMAGECI_RESULT_FILE', 'imageci/result.json')
            .containsEntry('IMAGECI_REGISTRY_USER', 'ci-bot')
            .containsEntry('IMAGECI_REGISTRY_PASSWORD', 'hunter2')
        assertThat(build.script).isEqualTo(step('imageciBuild').BUILD)
        assertThat(echoed.join('\n')).doesNotContain('hunter2')
            .contains('imageciBuild: succeeded r.example.com/team/web@' + DIGEST)
        assertThat(stepNames('withEnv', 'withCredentials', 'sh', 'readFile'))
            .containsExactly('withEnv', 'sh', 'readFile', 'withEnv', 'withCredentials', 'sh',
                'readFile')
    }

    @Test
    void buildsWithoutCredentialsOrPushByDefault() {
        callStep('imageciBuild', [config: 'web.yaml'])

        Map build = fake.scriptsContaining(' build ').first()
        assertThat(build.env).containsEntry('IMAGECI_PUSH', 'false')
            .containsEntry('IMAGECI_TIMEOUT_MINUTES', '60')
            .containsEntry('IMAGECI_REQUEST_ID', '')
            .doesNotContainKey('IMAGECI_REGISTRY_PASSWORD')
        assertThat(stepNames('withCredentials')).isEmpty()
    }

    @Test
    void failsWithTheErrorTheResultGives() {
        fake.shell = { String script, Map env ->
            fake.files[env.IMAGECI_RESULT_FILE] = '{"image":"r/web","status":"failed",' +
                '"error":"RUN step 2 exited with 127"}'
            return 1
        }

        assertThatThrownBy { callStep('imageciBuild', [config: 'web.yaml']) }
            .isInstanceOf(AbortException)
            .hasMessage('imageciBuild: the build of web.yaml failed: RUN step 2 exited with 127')
        assertThat(currentBuild().result).isEqualTo('FAILURE')
    }

    @Test
    void namesTimeoutsCancellationsAndRefusals() {
        Map<Integer, String> expected = [
            124: 'imageciBuild: the build of web.yaml timed out (see the log above)',
            130: 'imageciBuild: the build of web.yaml was cancelled (see the log above)',
            2: 'imageciBuild: the build of web.yaml was refused: the form or the command line' +
                ' is invalid (see the log above)',
            137: 'imageciBuild: the build of web.yaml ended with exit status 137 (see the log' +
                ' above)',
        ]
        expected.each { status, message ->
            fake.shell = { String script, Map env -> status }
            assertThatThrownBy { callStep('imageciBuild', [config: 'web.yaml']) }
                .hasMessage(message)
        }
    }

    @Test
    void refusesAPushWithoutADigestAndAResultThatIsNotJson() {
        fake.shell = { String script, Map env ->
            fake.files[env.IMAGECI_RESULT_FILE] = '{"image":"r/web","status":"succeeded"}'
            return 0
        }
        assertThatThrownBy { callStep('imageciBuild', [config: 'web.yaml', push: true]) }
            .hasMessage('imageciBuild: imageci reported a push of r/web without a digest')

        fake.shell = { String script, Map env ->
            fake.files[env.IMAGECI_RESULT_FILE] = 'not json'
            return 0
        }
        assertThatThrownBy { callStep('imageciBuild', [config: 'web.yaml']) }
            .hasMessage('imageciBuild: imageci/result.json does not hold a JSON result object')
    }

    @Test
    void refusesBadArgumentsBeforeRunningAnything() {
        assertThatThrownBy { callStep('imageciBuild', [config: 'web.yaml', timeout: 5]) }
            .hasMessageStartingWith('imageciBuild: unknown argument(s) timeout; it accepts cli,')
        assertThatThrownBy { callStep('imageciBuild', [config: 'web.yaml', push: 'yes']) }
            .hasMessage('imageciBuild: the argument push must be Boolean, got String')
        assertThatThrownBy { callStep('imageciBuild', [config: 'web.yaml', timeoutMinutes: 0]) }
            .hasMessage('imageciBuild: timeoutMinutes must be between 1 and 1440 minutes, got 0')
        assertThatThrownBy { callStep('imageciBuild', [config: 'w.yaml', requestId: '$(id)']) }
            .hasMessageStartingWith('imageciBuild: requestId must be 1 to 128 characters')
        assertThat(fake.scripts).isEmpty()
    }

    @Test
    void refusesAValueThatWithEnvWouldExpand() {
        assertThatThrownBy { callStep('imageciBuild', [config: 'images/$HOME.yaml']) }
            .hasMessage('imageciBuild: the value for IMAGECI_CONFIG must not contain $, which ' +
                'Jenkins\' withEnv would expand')
        assertThat(fake.scriptsContaining(' build ')).isEmpty()
    }

    @Test
    void failsWhenTheCredentialsDoNotExist() {
        assertThatThrownBy { callStep('imageciBuild', [config: 'web.yaml', credentialsId: 'x']) }
            .hasMessage('Could not find credentials entry with ID \'x\'')
        assertThat(fake.scriptsContaining(' build ')).isEmpty()
    }

    @Test
    void namesTheReferenceOfAResult() {
        Script build = step('imageciBuild')

        assertThat(build.reference([image: 'r/web', digest: DIGEST, tags: ['1']]))
            .isEqualTo('r/web@' + DIGEST)
        assertThat(build.reference([image: 'r/web', tags: ['1', '2']])).isEqualTo('r/web:1')
    }
}
