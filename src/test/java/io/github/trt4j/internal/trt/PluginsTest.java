package io.github.trt4j.internal.trt;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A plan that needs a plugin nobody registered is refused by the plugin's name and version. */
class PluginsTest {

  @Test
  void tensorRt10sWordingOfAMissingStandardPlugin() {
    String errors =
        "IPluginRegistry::getPluginCreator: Error Code 4: API Usage Error (Cannot find"
            + " plugin: EfficientNMS_TRT, version: 1, namespace:.) | IRuntime::deserializeCudaEngine:"
            + " Error Code 1: Serialization (Serialization assertion creator failed.Cannot deserialize"
            + " plugin since corresponding IPluginCreator not found in Plugin Registry)";
    String m = Plugins.missingPlugin(errors);
    assertTrue(
        m.startsWith("needs TensorRT plugin EfficientNMS_TRT version 1, which is not registered."),
        m);
    assertTrue(m.contains("LoadOptions.standardPlugins(true) or --plugins std"), m);
  }

  @Test
  void olderWordingAndAUserPlugin() {
    String m =
        Plugins.missingPlugin("getPluginCreator could not find plugin: YoloLayer version: 2");
    assertTrue(m.startsWith("needs TensorRT plugin YoloLayer version 2"), m);
    assertTrue(m.contains("--plugins PATH.so"), m);
    m =
        Plugins.missingPlugin(
            "INVALID_ARGUMENT: getPluginCreator could not find plugin BatchedNMS_TRT version 1");
    assertTrue(m.startsWith("needs TensorRT plugin BatchedNMS_TRT version 1"), m);
    assertNull(
        Plugins.missingPlugin(
            "Error Code 6: API Usage Error (The engine plan file is not compatible)"));
  }

  @Test
  void theRefusalLeadsWithThePluginEvenWhenItsErrorIsNotAmongTheLastThree() {
    String r =
        EngineHandle.refusal(
            List.of(
                "IPluginRegistry::getPluginCreator: Error Code 4: API Usage Error (Cannot find plugin: EfficientNMS_TRT, version: 1, namespace:.)",
                "a",
                "b",
                "IRuntime::deserializeCudaEngine: Error Code 1: Serialization (...)"),
            "GPU");
    assertTrue(r.startsWith("needs TensorRT plugin EfficientNMS_TRT version 1"), r);
  }

  @Test
  void aParseFailureForAMissingPluginLeadsWithItsNameAndVersion() {
    var errors =
        List.of(
            new io.github.trt4j.OnnxParseException.ParserError(
                0,
                "nms",
                "EfficientNMS_TRT",
                "UNSUPPORTED_NODE",
                "Plugin not found, are the plugin name, version, and namespace correct?"));
    String cause =
        Plugins.missingPlugin(
            "IPluginRegistry::getCreator: Error Code 4: API Usage Error (Cannot find plugin:"
                + " EfficientNMS_TRT, version: 9, namespace:.)");
    var e = new io.github.trt4j.OnnxParseException("m.onnx", errors, cause);
    assertTrue(
        e.getMessage()
            .startsWith(
                "TensorRT's ONNX parser rejected m.onnx: needs TensorRT plugin EfficientNMS_TRT"
                    + " version 9, which is not registered."),
        e.getMessage());
    assertTrue(e.getMessage().contains("\n  node 0 'nms' (EfficientNMS_TRT)"), e.getMessage());
    // Without a cause the message is as before.
    assertTrue(
        new io.github.trt4j.OnnxParseException("m.onnx", errors)
            .getMessage()
            .startsWith("TensorRT's ONNX parser rejected m.onnx\n"));
  }
}
