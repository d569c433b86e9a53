package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import groovy.json.JsonSlurper
import java.nio.file.Path
import java.nio.file.Paths
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test

/**
 * The Jenkinsfile with hostile parameters on a real agent with the real CLI: shell syntax in
 * every field is refused by Verify as data, nothing is built, no marker file appears, and the
 * refused run is in the real history (under a temp IMAGECI_HOME) with its texts stored verbatim.
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
        Map record = onlyRecord()
        assertThat(record.status).isEqualTo('failed')
        assertThat(record.requestId).isEqualTo('req-' + suffix)
        assertThat(record.image).isEqualTo('r/x; touch ' + markers[0])
        assertThat(record.error as String)
            .startsWith('imageciVerify: imageci/form.json is not a valid image form:')
        assertThat(record.jobName).isEqualTo('imageci-e2e')
        assertThat(record.config as String).contains('$(touch ' + markers[1] + ')')
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
        Map record = onlyRecord()
        assertThat(record.status).isEqualTo('failed')
        assertThat(record.config).isEqualTo(declarative.buildParameters.CONFIG)
    }

    @Test
    void refusesAHostileRequestIdAndRecordsItAsData() {
        String hostile = 'x\n$(touch ' + markers[0] + ')`touch ' + markers[1] + '`"\''
        declarative.buildParameters = [IMAGE: 'r/x', BASE_IMAGE: 'scratch', REQUEST_ID: hostile]

        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessageStartingWith('Jenkinsfile: requestId must be 1 to 128 characters')
        assertThat(real.workspace.resolve('imageci')).doesNotExist()
        assertThat(markers[0]).doesNotExist()
        assertThat(markers[1]).doesNotExist()
        Map record = onlyRecord()
        assertThat(record.requestId).isEqualTo(hostile)
        assertThat(record.image).isEqualTo('r/x')
        assertThat(record.config).isNull()
    }

    /** The one record in this run's history (imageci history --json on the real SQLite file). */
    Map onlyRecord() {
        List records = (List) new JsonSlurper().parseText(imageci('history', '--json'))
        assertThat(records).hasSize(1)
        return (Map) records[0]
    }
}
