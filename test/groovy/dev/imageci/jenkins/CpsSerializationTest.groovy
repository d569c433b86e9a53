package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/**
 * The steps under groovy-cps, as Jenkins runs them: the program is saved and restored at every
 * step call, so state Jenkins could not serialize fails here.
 */
class CpsSerializationTest {

    CpsStepRunner runner

    @BeforeEach
    void compileTheLibrary() {
        runner = new CpsStepRunner(PipelineTestSupport.ROOT.resolve('vars').toFile())
        runner.credentials['registry'] = ['bot', 'pw']
        FakeImageci.succeed(runner.agent)
    }

    @Test
    void runsTheWholeFlowSavingTheProgramAtEveryStep() {
        Map result = runner.run('imageciRun', [config: 'web.yaml', credentialsId: 'registry',
            requestId: 'r-9'])

        assertThat(result.digest).isEqualTo(FakeImageci.DIGEST)
        assertThat(runner.currentBuild.description).isEqualTo('r.example.com/team/web@' +
            FakeImageci.DIGEST)
        assertThat(runner.serializations).isEqualTo(runner.steps.size()).isGreaterThan(20)
        Map build = runner.agent.scriptsContaining(' build ').first()
        assertThat(build.env).containsEntry('IMAGECI_REGISTRY_PASSWORD', 'pw')
            .containsEntry('IMAGECI_REQUEST_ID', 'r-9')
    }

    @Test
    void runsEachSmallerStep() {
        assertThat(runner.run('imageciForm', [image: 'r/web', from: 'scratch', run: 'a\nb']))
            .isEqualTo('imageci/form.json')
        assertThat(runner.run('imageciVerify', [config: 'imageci/form.json']))
            .isEqualTo(FakeAgent.CLI)
        assertThat(runner.run('imageciRender', [config: 'imageci/form.json']))
            .isEqualTo('imageci/Dockerfile')
        Map result = runner.run('imageciBuild', [config: 'imageci/form.json', push: true])
        assertThat(runner.run('imageciPublish', [result: result]))
            .isEqualTo('r.example.com/team/web@' + FakeImageci.DIGEST)
        assertThat(runner.run('imageciRecord', [result: result])).containsEntry('id', 21)
        assertThat(runner.run('imageciCli', [cli: '/x/imageci.jar'])).isEqualTo('/x/imageci.jar')
    }

    @Test
    void failuresTravelThroughTheCpsProgram() {
        runner.agent.shell = { String script, Map env -> script.contains(' build ') ? 124 : 0 }

        assertThatThrownBy { runner.run('imageciRun', [config: 'web.yaml']) }
            .isInstanceOf(AbortException)
            .hasMessage('imageciBuild: the build of web.yaml timed out (see the log above)')
        assertThat(runner.agent.scriptsContaining(' history record ')).hasSize(1)
    }

    @Test
    void catchesStateThatCannotBeSaved() {
        File vars = File.createTempDir()
        new File(vars, 'holdsAThread.groovy').text = '''
            def call(Map args) {
                def lock = new Object() { }
                def thread = new Thread()
                echo('holding ' + thread)
                return lock
            }
        '''
        CpsStepRunner bad = new CpsStepRunner(vars)

        assertThatThrownBy { bad.run('holdsAThread', [:]) }
            .isInstanceOf(AssertionError)
            .hasMessageContaining('could not be saved at the step echo')
            .hasMessageContaining('java.lang.Thread')
        vars.deleteDir()
    }
}
