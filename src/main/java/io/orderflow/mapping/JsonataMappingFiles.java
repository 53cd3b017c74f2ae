package io.orderflow.mapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;

import com.dashjoin.jsonata.Jsonata;

/**
 * The JSONata mappings in mappings/, as every stage runs them: a file is read when first used and again only when it
 * changes (modification time or size), so integrators edit mappings/ without a restart and a use costs a
 * file-attribute read, not a disk read; and every evaluation gets an expression parsed for it from that text
 * (about 0.1-0.3 ms for our largest mapping).
 * <p>
 * Why not keep the parsed expression: the JSONata evaluator (com.dashjoin:jsonata 0.9.9) keeps state from each
 * evaluation on the expression object, and an expression evaluated again and again gets slower without bound —
 * measured on woocommerce-order-to-canonical.jsonata with scripts/bench-mappings: 0.96 ms per evaluation on the first
 * 150 uses of one parsed expression, 44 ms on uses 1,350-1,500, against 0.26-0.45 ms parsed fresh every time
 * (docs/performance.md). That was the
 * connector's largest per-order cost, growing with every order since start. It is also not documented as safe to
 * share between threads; a fresh expression is never shared.
 */
public final class JsonataMappingFiles {

    private record Text(long modified, long size, String text) {
    }

    private final ConcurrentHashMap<Path, Text> texts = new ConcurrentHashMap<>();

    /** A freshly parsed expression of the mapping file's current text. */
    public Jsonata expression(Path file) throws IOException {
        return Jsonata.jsonata(text(file));
    }

    /** The file's text as Camel's jsonata endpoint reads it (lines joined with \n), re-read when the file changed. */
    public String text(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        long modified = attributes.lastModifiedTime().toMillis();
        Text known = texts.get(file);
        if (known != null && known.modified() == modified && known.size() == attributes.size()) {
            return known.text();
        }
        String text = String.join("\n", Files.readAllLines(file, StandardCharsets.UTF_8));
        texts.put(file, new Text(modified, attributes.size(), text));
        return text;
    }
}
