package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ImageciRecordTest extends PipelineTestSupport {

    FakeAgent fake = (FakeAgent) agent

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
        fake.shell = { String script, Map env ->
            fake.files['.imageci/history.json'] = '[{"id": 11, "status": "failed"}, ' +
                '{"id": 12, "status": "succeeded", "requestId": "req-1"}]'
            return 0
        }
    }

    @Test
    void flushesThenFindsTheBuildsRecord() {
        Map record = callStep('imageciRecord', [result: [image: 'r/web', historyId: 12]])

        assertThat(record).containsEntry('status', 'succeeded').containsEntry('requestId', 'req-1')
        Map history = fake.scriptsContaining('history flush').first()
        assertThat(history.env).containsEntry('IMAGECI_IMAGE', 'r/web')
        assertThat(echoed.last()).isEqualTo('imageciRecord: r/web recorded as history 12 ' +
            '(imageci history show 12)')
    }

    @Test
    void onlyDeliversPendingRecordsWithoutAResult() {
        assertThat(callStep('imageciRecord', [:])).isNull()

        assertThat(fake.scriptsContaining('history flush').first().env)
            .containsEntry('IMAGECI_IMAGE', '')
    }

    @Test
    void failsWhenTheRecordIsMissingOrHistoryFails() {
        assertThatThrownBy { callStep('imageciRecord', [result: [image: 'r/web', historyId: 9]]) }
            .isInstanceOf(AbortException)
            .hasMessage('imageciRecord: history record 9 of r/web not found in imageci history')

        fake.shell = { String script, Map env -> 1 }
        assertThatThrownBy { callStep('imageciRecord', [result: [image: 'r/web', historyId: 9]]) }
            .hasMessage('imageciRecord: imageci history failed with exit status 1 (see the log ' +
                'above)')
        assertThatThrownBy { callStep('imageciRecord', [result: [image: 'r/web']]) }
            .hasMessage('imageciRecord: the result names no image and history id to look for')
    }
}
