package io.mailsec.av;

import java.util.List;

import io.mailsec.core.json.JsonStrings;

/** Minimal JSON string writing (no dependency inside the plugin jar). */
final class Json {
    private Json() {
    }

    static String str(String s) {
        return JsonStrings.quote(s);
    }

    static String strings(List<String> list) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(str(list.get(i)));
        }
        return sb.append(']').toString();
    }
}
