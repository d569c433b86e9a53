package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test

/**
 * The Jenkinsfile with hostile parameters on a real agent with the real CLI: shell syntax in
 * every field is refused by Verify as data, nothing is built, and no marker file appears.
 */
@Tag('docker')
class JenkinsfileHostileInputIT extends EndToEndSupport {

    List<Path> markers

    @BeforeEach
    void setUpRealAgent() {
        setUpAgent()
        markers = (1..6).collect { Paths.get('/tmp/imageci-hostile-' + suffix + '-' + it) }
    }

    @Test
    void refusesShellSyntaxInTheFieldsAndRunsNothing() {
        declarative.buildParameters = [
            IMAGE: 'r/x; touch ' + markers[0],
            TAG: '$(touch ' + markers[1] + ')',
            BASE_IMAGE: '`touch ' + markers[2] + '`',
            ROOTFS_URL: 'http://x/"; touch ' + markers[3] + '; "',
            COMMANDS: 'echo \'quoted\'\n',
            CREDENTIALS_ID: '$(touch ' + markers[4] + ')',
            REQUEST_ID: 'req-' + suffix,
        ]

        assertThatThrownBy { runScript('Jenkinsfile') }
            .isInstanceOf(AbortException)
            .hasMessageStartingWith('imageciVerify: imageci/form.json is not a valid image form:')
            .hasMessageContaining('image')
            .hasMessageContaining('tag')

        assertThat(declarative.stageResults.Verify).isEqualTo('failed')
        assertThat(declarative.stageResults['Build image']).isEqualTo('skipped after a failure')
        assertThat(real.workspace.resolve('imageci/Dockerfile')).doesNotExist()
        markers.each { assertThat(it).doesNotExist() }
    }

    @Test
    void refusesHostileConfigTextWithNewlinesAndQuotes() {
        declarative.buildParameters = [
            CONFIG: 'image: "r/x\\n$(touch ' + markers[5] + ')"\nfrom: "a\'b`id`"\n' +
                'tag: "a;b"\n',
        ]

        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessageStartingWith('imageciVerify: imageci/form.yaml is not a valid image form:')
        assertThat(markers[5]).doesNotExist()
        assertThat(real.log.toString()).doesNotContain('uid=')
    }

    @Test
    void refusesAHostileRequestIdBeforeAnyShellRuns() {
        declarative.buildParameters = [IMAGE: 'r/x', BASE_IMAGE: 'scratch',
            REQUEST_ID: 'x\n$(touch ' + markers[0] + ')']

        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessageStartingWith('Jenkinsfile: requestId must be 1 to 128 characters')
        assertThat(Files.list(real.workspace).count()).isZero()
        assertThat(markers[0]).doesNotExist()
    }
}
