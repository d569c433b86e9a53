package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ImageciRecordFailureTest extends PipelineTestSupport {

    static final String HOSTILE = 'r/x"; touch /tmp/x; $(id) `id`\n\'q\''

    FakeAgent fake = (FakeAgent) agent

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
    }

    @Test
    void recordsTheAttemptWithItsTextsInFilesAndReturnsItsId() {
        String id = callStep('imageciRecordFailure', [error: 'Verify: ' + HOSTILE,
            image: HOSTILE, requestId: HOSTILE, config: 'imageci/form.json'])

        assertThat(id).isEqualTo(FakeAgent.RECORDED_ID)
        assertThat(fake.files['.imageci/failure/error']).isEqualTo('Verify: ' + HOSTILE)
        assertThat(fake.files['.imageci/failure/image']).isEqualTo(HOSTILE)
        assertThat(fake.files['.imageci/failure/request-id']).isEqualTo(HOSTILE)
        Map record = fake.scriptsContaining(' history record ').first()
        assertThat(record.script).isEqualTo(step('imageciRecordFailure').RECORD_FAILURE)
        assertThat(record.env).isEqualTo([IMAGECI_CLI: FakeAgent.CLI, IMAGECI_STATUS: 'failed',
            IMAGECI_CONFIG: 'imageci/form.json'])
    }

    @Test
    void deliversTheRecordImageciBuildAlreadyWrote() {
        fake.files['imageci/result.json'] = '{"status":"failed","historyId":"abc"}'

        String id = callStep('imageciRecordFailure', [error: 'x',
            resultFile: 'imageci/result.json'])

        assertThat(id).isEqualTo('abc')
        assertThat(stepNames('imageciRecord')).containsExactly('imageciRecord')
        assertThat(fake.scriptsContaining(' history record ')).isEmpty()
    }

    @Test
    void recordsWhenTheResultNamesNoRecord() {
        fake.files['imageci/result.json'] = 'not json'

        callStep('imageciRecordFailure', [error: 'x', resultFile: 'imageci/result.json'])

        assertThat(fake.scriptsContaining(' history record ')).hasSize(1)
    }

    @Test
    void warnsInsteadOfFailingWhenRecordingFails() {
        fake.shell = { String script, Map env -> 3 }

        assertThat(callStep('imageciRecordFailure', [error: 'x'])).isNull()
        assertThat(echoed.last()).isEqualTo('WARNING: imageciRecordFailure: imageci history ' +
            'record failed with exit status 3 (see the log above); this failed run is not in ' +
            'the image history')

        assertThat(callStep('imageciRecordFailure', [error: 'x', config: 'a$b'])).isNull()
        assertThat(echoed.last()).startsWith('WARNING: imageciRecordFailure: this failed run ' +
            'may be missing from the image history: imageciRecordFailure: the value for ' +
            'IMAGECI_CONFIG must not contain $')
    }

    @Test
    void saysSoWhenTheAgentHasNoCli() {
        fake.cliMissing = true

        assertThat(callStep('imageciRecordFailure', [error: 'x'])).isNull()
        assertThat(echoed.last()).startsWith('WARNING: imageciRecordFailure: the imageci CLI is ' +
            'unavailable on this agent, so this failed run is not in the image history, only ' +
            'in this console log: imageciCli: no usable imageci command line')
    }

    @Test
    void refusesAnUnknownStatusOrArgument() {
        assertThatThrownBy { callStep('imageciRecordFailure', [error: 'x', status: 'running']) }
            .isInstanceOf(AbortException)
            .hasMessage('imageciRecordFailure: status must be failed or cancelled, got running')
        assertThatThrownBy { callStep('imageciRecordFailure', [status: 'failed']) }
            .hasMessage('imageciRecordFailure: the argument error is required (String)')
        assertThatThrownBy { callStep('imageciRecordFailure', [error: 'x', digest: 'y']) }
            .hasMessageStartingWith('imageciRecordFailure: unknown argument(s) digest;')
    }
}
