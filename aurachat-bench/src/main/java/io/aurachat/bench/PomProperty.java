package io.aurachat.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A property of Maven POMs, read with an XML parser (comments, CDATA and entities are what XML says; no Maven run):
 * run-bench.sh takes the shipped server's JVM options, {@code aurachat.server.jvmOptions}, from here. Only
 * {@code project/properties} counts (no profiles, no inheritance beyond the files given); {@code ${other}} is
 * replaced by another such property of the same files. Stateless.
 */
final class PomProperty {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]+)}");

    private PomProperty() {}

    /**
     * The value of {@code name} in the first of {@code poms} that defines it, whitespace runs made one space.
     *
     * @throws IllegalArgumentException if none defines it, or it refers to a property none defines (or to itself)
     * @throws IOException if a file cannot be read or is not XML
     */
    static String value(String name, List<Path> poms) throws IOException {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Path pom : poms) {
            properties(pom).forEach(properties::putIfAbsent);
        }
        return resolve(name, properties, 0);
    }

    private static String resolve(String name, Map<String, String> properties, int depth) {
        String raw = properties.get(name);
        if (raw == null) {
            throw new IllegalArgumentException("no property " + name);
        }
        if (depth > 16) {
            throw new IllegalArgumentException("property " + name + " refers to itself");
        }
        Matcher m = REFERENCE.matcher(raw);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(resolve(m.group(1), properties, depth + 1)));
        }
        m.appendTail(b);
        return b.toString().strip().replaceAll("\\s+", " ");
    }

    private static Map<String, String> properties(Path pom) throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            Element project = f.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
            for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals("properties")) {
                    for (Node p = e.getFirstChild(); p != null; p = p.getNextSibling()) {
                        if (p instanceof Element property) {
                            found.putIfAbsent(property.getTagName(), property.getTextContent());
                        }
                    }
                }
            }
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(pom + ": " + e.getMessage(), e);
        }
        return found;
    }
}
