package io.github.trt4j;

import java.util.List;

/** TensorRT's ONNX parser rejected a model. {@link #errors()} lists what it reported. */
public class OnnxParseException extends TrtException {
  private static final long serialVersionUID = 1L;

  /**
   * One parser error: the ONNX node (index, name, operator), the error code and description.
   *
   * @param node the failing node's index; negative when the error concerns the whole model
   * @param nodeName the node's name
   * @param operator the node's ONNX operator
   * @param code TensorRT's error code
   * @param message TensorRT's description
   */
  public record ParserError(
      int node, String nodeName, String operator, String code, String message) {
    @Override
    public String toString() {
      String where = node < 0 ? "model" : "node " + node + " '" + nodeName + "' (" + operator + ")";
      return where + ": " + code + ": " + message;
    }
  }

  private final transient List<ParserError> errors;

  /**
   * A parse failure of {@code model} with the parser's errors (the message lists them).
   *
   * @param model the ONNX file
   * @param errors the parser's errors, in its order
   */
  public OnnxParseException(String model, List<ParserError> errors) {
    this(model, errors, null);
  }

  /**
   * A parse failure with a first line that says what to do (e.g. the plugin the model needs).
   *
   * @param model the ONNX file
   * @param errors the parser's errors, in its order
   * @param cause what the failure means, or null
   */
  public OnnxParseException(String model, List<ParserError> errors, String cause) {
    super(message(model, errors, cause));
    this.errors = List.copyOf(errors);
  }

  private static String message(String model, List<ParserError> errors, String cause) {
    StringBuilder b = new StringBuilder("TensorRT's ONNX parser rejected ").append(model);
    if (cause != null) {
      b.append(": ").append(cause);
    }
    if (errors.isEmpty()) {
      b.append(" (it reported no details)");
    }
    for (ParserError e : errors) {
      b.append("\n  ").append(e);
    }
    return b.toString();
  }

  /** {@return the parser's errors, in its order} */
  public List<ParserError> errors() {
    return errors;
  }
}
