package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ImageciPublishTest extends PipelineTestSupport {

    static final String DIGEST = 'sha256:' + '0f' * 32

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
    }

    @Test
    void describesTheBuildWithTheDigestReference() {
        String reference = callStep('imageciPublish', [result: [image: 'r/web',
            tags: ['07', 'stable'], digest: DIGEST, status: 'reused']])

        assertThat(reference).isEqualTo('r/web@' + DIGEST)
        assertThat(currentBuild().description).isEqualTo(reference)
        assertThat(echoed).containsExactly('imageciPublish: pushed r/web@' + DIGEST +
            ' as 07, stable')
    }

    @Test
    void canLeaveTheDescriptionAlone() {
        callStep('imageciPublish', [result: [image: 'r/web', digest: DIGEST,
            status: 'succeeded'], describe: false])

        assertThat(currentBuild().description).isNull()
    }

    @Test
    void refusesAResultThatWasNotPushed() {
        assertThatThrownBy { callStep('imageciPublish', [result: [image: 'r/web',
            status: 'succeeded']]) }
            .isInstanceOf(AbortException)
            .hasMessage('imageciPublish: r/web was not pushed (status succeeded, digest null)')
        assertThatThrownBy { callStep('imageciPublish', [result: [image: 'r/web',
            digest: DIGEST, status: 'failed']]) }
            .hasMessageStartingWith('imageciPublish: r/web was not pushed (status failed')
        assertThatThrownBy { callStep('imageciPublish', [:]) }
            .hasMessage('imageciPublish: the argument result is required (Map)')
    }
}
