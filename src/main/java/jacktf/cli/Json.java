package jacktf.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The one JSON writer of the command line. */
final class Json {
    static final Gson GSON = new GsonBuilder()
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .serializeSpecialFloatingPointValues()
            .create();

    private Json() {}
}
