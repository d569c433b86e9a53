package dev.imageci.jenkins

/** Stands in for hudson.AbortException: what Jenkins' error step throws, a message, no trace. */
class AbortException extends RuntimeException {

    AbortException(String message) {
        super(message)
    }
}
