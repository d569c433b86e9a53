package dev.imageci.jenkins

import com.cloudbees.groovy.cps.Continuable
import com.cloudbees.groovy.cps.Continuation
import com.cloudbees.groovy.cps.CpsTransformer
import com.cloudbees.groovy.cps.Envs
import com.cloudbees.groovy.cps.ObjectInputStreamWithLoader
import com.cloudbees.groovy.cps.Outcome
import com.cloudbees.groovy.cps.impl.CpsCallableInvocation
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.runtime.InvokerHelper

/**
 * Runs the library's steps the way Jenkins' CPS engine does, with groovy-cps: every vars/*.groovy
 * is CPS-transformed, and each step call (sh, writeFile, withEnv...) suspends the program, which
 * is then serialized and read back as Jenkins does to survive a restart. A local variable, field
 * or closure that cannot be serialized at a step call fails the run, naming the step.
 *
 * Steps with a body (withEnv, withCredentials) run their body in CPS through BODY_STEPS, a small
 * CPS-transformed script; the other steps are answered by a FakeAgent.
 */
class CpsStepRunner {

    private static final ThreadLocal<CpsStepRunner> RUNNER = new ThreadLocal<>()

    static final String BODY_STEPS = '''
        def withEnv(List entries, Closure body) {
            enterScope('withEnv', entries)
            try { return body() } finally { exitScope() }
        }
        def withCredentials(List bindings, Closure body) {
            enterScope('withCredentials', bindings)
            try { return body() } finally { exitScope() }
        }
    '''

    final FakeAgent agent = new FakeAgent()
    final Map<String, List<String>> credentials = [:]
    final List<Map<String, String>> scopes = []
    final List<String> steps = []
    final List<String> echoed = []
    final Map currentBuild = [description: null]
    int serializations

    private final GroovyClassLoader loader
    private final Map<String, Script> globals = [:]
    private final Script bodySteps

    CpsStepRunner(File vars) {
        CompilerConfiguration configuration = new CompilerConfiguration()
        configuration.addCompilationCustomizers(new CpsTransformer())
        configuration.scriptBaseClass = CpsScriptBase.name
        loader = new GroovyClassLoader(getClass().classLoader, configuration)
        vars.listFiles().findAll { it.name.endsWith('.groovy') }.each { File file ->
            Class type = loader.parseClass(file)
            globals[file.name - '.groovy'] = (Script) type.newInstance()
        }
        bodySteps = (Script) loader.parseClass(BODY_STEPS, 'BodySteps.groovy').newInstance()
    }

    static CpsStepRunner current() {
        return RUNNER.get()
    }

    /** Runs a step to its end under CPS; returns its value or throws what it threw. */
    Object run(String name, Map args) {
        RUNNER.set(this)
        try {
            Continuable program = start(globals[name], args)
            Outcome outcome = new Outcome(null, null)
            while (true) {
                outcome = program.run0(outcome, Continuable.categories)
                if (!program.isResumable()) {
                    return outcome.replay()
                }
                program = roundTrip(program, (String) ((Map) outcome.normal).step)
                outcome = ((Map) outcome.normal).outcome
            }
        } finally {
            RUNNER.remove()
        }
    }

    private static Continuable start(Script step, Map args) {
        try {
            step.invokeMethod('call', [args] as Object[])
            throw new IllegalStateException('the step is not CPS-transformed')
        } catch (CpsCallableInvocation invocation) {
            return new Continuable(invocation.invoke(Envs.empty(), null, Continuation.HALT))
        }
    }

    /** Serializes the suspended program and reads it back, as Jenkins does at a step. */
    private Continuable roundTrip(Continuable program, String step) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream()
        try {
            new ObjectOutputStream(bytes).withStream { it.writeObject(program) }
            serializations++
            return (Continuable) new ObjectInputStreamWithLoader(
                new ByteArrayInputStream(bytes.toByteArray()), loader).readObject()
        } catch (NotSerializableException e) {
            throw new AssertionError('the program could not be saved at the step ' + step +
                ': ' + e.message + ' is not serializable', e)
        }
    }

    Object global(String name) {
        return name == 'currentBuild' ? currentBuild : globals[name]
    }

    /** A call of a step or global variable from CPS code. */
    Object step(String name, Object[] args) {
        if (globals.containsKey(name)) {
            return InvokerHelper.invokeMethod(globals[name], 'call', args)
        }
        if (name in ['withEnv', 'withCredentials']) {
            return InvokerHelper.invokeMethod(bodySteps, name, args)
        }
        steps.add(name)
        Outcome outcome
        try {
            outcome = new Outcome(answer(name, args), null)
        } catch (Exception thrown) {
            outcome = new Outcome(null, thrown)
        }
        return Continuable.suspend(name, [step: name, outcome: outcome])
    }

    private Object answer(String name, Object[] args) {
        switch (name) {
            case 'sh':
                Map environment = [:]
                scopes.each { environment.putAll(it) }
                return agent.sh(args[0].script as String, environment)
            case 'writeFile':
                agent.writeFile(args[0].file as String, args[0].text as String)
                return null
            case 'readFile':
                return agent.readFile(args[0] as String)
            case 'fileExists':
                return agent.fileExists(args[0] as String)
            case 'archiveArtifacts':
                agent.archive(args[0].artifacts as String)
                return null
            case 'libraryResource':
                return new File(PipelineTestSupport.ROOT.toFile(), 'resources/' + args[0]).text
            case 'usernamePassword':
                return new HashMap(args[0] as Map)
            case 'echo':
                echoed.add(args[0] as String)
                return null
            case 'error':
                throw new AbortException(args[0] as String)
            case 'enterScope':
                scopes.add(scope(args[0] as String, args[1] as List))
                return null
            case 'exitScope':
                scopes.remove(scopes.size() - 1)
                return null
            default:
                throw new IllegalStateException('no such step in this test: ' + name)
        }
    }

    private Map<String, String> scope(String step, List entries) {
        Map<String, String> scope = [:]
        entries.each { entry ->
            if (step == 'withEnv') {
                String text = entry as String
                scope[text.substring(0, text.indexOf('='))] = text.substring(text.indexOf('=') + 1)
            } else {
                List<String> pair = credentials[entry.credentialsId as String]
                scope[entry.usernameVariable as String] = pair[0]
                scope[entry.passwordVariable as String] = pair[1]
            }
        }
        return scope
    }
}
