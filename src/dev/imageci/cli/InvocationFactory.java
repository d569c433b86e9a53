package dev.imageci.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Makes the commands picocli instantiates: those with a constructor taking an {@link Invocation}
 * get the caller's, the rest (converters, help) are made as picocli would.
 */
final class InvocationFactory implements IFactory {

  private final Invocation invocation;

  InvocationFactory(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    Constructor<K> withInvocation;
    try {
      withInvocation = type.getDeclaredConstructor(Invocation.class);
    } catch (NoSuchMethodException e) {
      return CommandLine.defaultFactory().create(type);
    }
    return withInvocation.newInstance(invocation);
  }
}
