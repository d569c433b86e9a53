package dev.imageci.jenkins

import static com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration.library
import static com.lesfurets.jenkins.unit.global.lib.LocalSource.localSource

import com.lesfurets.jenkins.unit.BasePipelineTest
import com.lesfurets.jenkins.unit.MethodCall
import java.nio.file.Files
import org.codehaus.groovy.runtime.InvokerHelper
import java.nio.file.Path
import java.nio.file.Paths

/**
 * JenkinsPipelineUnit with this repository loaded as the 'imageci' shared library, and the
 * workspace steps (sh, writeFile, readFile, fileExists, withEnv, withCredentials,
 * archiveArtifacts) routed to an Agent: a FakeAgent by default, a RealAgent for end-to-end runs.
 * error() throws like Jenkins' does, so a failing step stops the pipeline. withEnv here does not
 * expand $NAME as Jenkins' does; the steps refuse values holding '$' (imageciArgs.environment).
 */
abstract class PipelineTestSupport extends BasePipelineTest {

    public static final Path ROOT = Paths.get(System.getProperty('imageci.root', '.'))
        .toAbsolutePath().normalize()

    Agent agent = new FakeAgent()

    /** Jenkins credentials by id: [username, password]. */
    final Map<String, List<String>> credentials = [:]

    /** The environment withEnv and withCredentials set, innermost last. */
    final List<Map<String, String>> environmentStack = []

    final List<String> echoed = []

    final DeclarativeInterpreter declarative = new DeclarativeInterpreter(this)

    void setUpPipeline() {
        scriptRoots = [ROOT.toString()] as String[]
        scriptExtension = 'groovy'
        baseScriptRoot = ROOT.toString()
        setUp()
        helper.registerSharedLibrary(library().name('imageci')
            .defaultVersion('local')
            .allowOverride(false)
            .implicit(false)
            .targetPath(ROOT.toString())
            .retriever(localSource(libraryParent().toString()))
            .build())
        registerSteps()
        binding.setVariable('currentBuild', [result: null, currentResult: 'SUCCESS',
                                             description: null])
        binding.setVariable('env', [:])
    }

    /** JenkinsPipelineUnit looks for NAME@VERSION in a directory: link this repository there. */
    private static Path libraryParent() {
        Path parent = ROOT.resolve('target/pipeline-unit-libraries')
        Path link = parent.resolve('imageci@local')
        Files.createDirectories(parent)
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, ROOT)
        }
        return parent
    }

    private void registerSteps() {
        helper.registerAllowedMethod('error', [String], { String message ->
            updateBuildStatus('FAILURE')
            throw new AbortException(message)
        })
        helper.registerAllowedMethod('echo', [String], { String message -> echoed.add(message) })
        helper.registerAllowedMethod('sh', [Map], { Map args -> runShell(args) })
        helper.registerAllowedMethod('writeFile', [Map], { Map args ->
            agent.writeFile(args.file as String, args.text as String)
        })
        helper.registerAllowedMethod('readFile', [String], { String path -> agent.readFile(path) })
        helper.registerAllowedMethod('fileExists', [String], { String path ->
            agent.fileExists(path)
        })
        helper.registerAllowedMethod('archiveArtifacts', [Map], { Map args ->
            agent.archive(args.artifacts as String)
        })
        helper.registerAllowedMethod('withEnv', [List, Closure], { List entries, Closure body ->
            Map<String, String> scope = [:]
            for (Object entry : entries) {
                String text = entry as String
                int equals = text.indexOf('=')
                scope[text.substring(0, equals)] = text.substring(equals + 1)
            }
            inScope(scope, body)
        })
        helper.registerAllowedMethod('usernamePassword', [Map], { Map args -> args })
        helper.registerAllowedMethod('withCredentials', [List, Closure], { List bindings,
                                                                          Closure body ->
            Map<String, String> scope = [:]
            for (Map credential : bindings) {
                List<String> pair = credentials[credential.credentialsId as String]
                if (pair == null) {
                    throw new AbortException('Could not find credentials entry with ID \'' +
                        credential.credentialsId + '\'')
                }
                scope[credential.usernameVariable as String] = pair[0]
                scope[credential.passwordVariable as String] = pair[1]
            }
            inScope(scope, body)
        })
        helper.registerAllowedMethod('timeout', [Map, Closure], { Map args, Closure body ->
            body.call()
        })
        helper.registerAllowedMethod('script', [Closure], { Closure body -> body.call() })
        helper.registerAllowedMethod('stage', [String, Closure], { String name, Closure body ->
            body.call()
        })
        helper.registerAllowedMethod('pipeline', [Closure], { Closure body ->
            declarative.run(body)
        })
    }

    protected Object inScope(Map<String, String> scope, Closure body) {
        environmentStack.add(scope)
        try {
            return body.call()
        } finally {
            environmentStack.remove(environmentStack.size() - 1)
        }
    }

    /** The environment a step sees now: every enclosing withEnv and withCredentials. */
    Map<String, String> currentEnvironment() {
        Map<String, String> merged = [:]
        environmentStack.each { merged.putAll(it) }
        return merged
    }

    protected Object runShell(Map args) {
        if (args.returnStdout) {
            throw new IllegalArgumentException('the imageci steps never use returnStdout')
        }
        int status = agent.sh(args.script as String, currentEnvironment())
        if (args.returnStatus) {
            return status
        }
        if (status != 0) {
            throw new AbortException('script returned exit code ' + status)
        }
        return null
    }

    /** Loads the library's global variables and returns the named step, ready to call. */
    Script step(String name) {
        helper.libLoader.loadLibrary('imageci')
        helper.setGlobalVars(binding)
        return (Script) binding.getVariable(name)
    }

    /** Runs a step with the given arguments as a pipeline would. */
    Object callStep(String name, Map args) {
        return InvokerHelper.invokeMethod(step(name), 'call', [args] as Object[])
    }

    /** The calls made, as NAME(ARGS) strings, of the given step names, in order. */
    List<String> calls(String... names) {
        return helper.callStack.findAll { MethodCall call -> call.methodName in names }
            .collect { MethodCall call -> call.methodName + '(' + call.argsToString() + ')' }
    }

    /** The names of the calls made to the given steps, in order. */
    List<String> stepNames(String... names) {
        return helper.callStack.findAll { MethodCall call -> call.methodName in names }
            *.methodName
    }

    Map currentBuild() {
        return (Map) binding.getVariable('currentBuild')
    }
}
