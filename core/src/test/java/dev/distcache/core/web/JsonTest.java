package dev.distcache.core.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void nestedObjectsAndArrays_withEscapedStrings_andRatios() {
    String json =
        new Json()
            .beginObject()
            .name("file")
            .value("a \"b\"\\c\n\t\u0001.c")
            .name("list")
            .beginArray()
            .value(1)
            .value(true)
            .beginObject()
            .endObject()
            .endArray()
            .name("rate")
            .ratio(1, 4)
            .name("none")
            .ratio(0, 0)
            .endObject()
            .toString();
    assertEquals(
        "{\"file\":\"a \\\"b\\\"\\\\c\\n\\t\\u0001.c\",\"list\":[1,true,{}],"
            + "\"rate\":0.2500,\"none\":null}",
        json);
  }
}
