package dev.imageci.jenkins

/**
 * Base class of the steps compiled by CpsStepRunner: what Jenkins' CpsScript is to a pipeline.
 * Serializable like it, with calls to unknown methods (steps and other global variables) handed
 * to the runner of the current thread.
 */
abstract class CpsScriptBase extends Script implements Serializable {

    private static final long serialVersionUID = 1L

    @Override
    Object invokeMethod(String name, Object args) {
        if (getMetaClass().respondsTo(this, name)) {
            return super.invokeMethod(name, args)
        }
        return CpsStepRunner.current().step(name, args as Object[])
    }

    Object methodMissing(String name, Object args) {
        return CpsStepRunner.current().step(name, args as Object[])
    }

    @Override
    Object getProperty(String name) {
        Object global = CpsStepRunner.current().global(name)
        return global != null ? global : super.getProperty(name)
    }
}
