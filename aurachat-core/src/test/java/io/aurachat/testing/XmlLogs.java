package io.aurachat.testing;

import io.aurachat.log.XmlLogSink;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads XML audit logs the way an operator's tools would: with the JDK's own parser (namespace-aware,
 * no DTDs) and against the schema shipped in the library. Every failure is an {@link AssertionError}
 * that names the file and the position.
 */
public final class XmlLogs {

    private static final Schema SCHEMA = schema();
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(XmlLogs::builder);

    private XmlLogs() {}

    private static Schema schema() {
        try {
            SchemaFactory f = SchemaFactory.newDefaultInstance();
            f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return f.newSchema(XmlLogSink.schema());
        } catch (SAXException e) {
            throw new AssertionError("the shipped schema does not compile", e);
        }
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new AssertionError(e);
        }
    }

    /** Parses {@code file}; fails the test if it is not a well-formed XML document. */
    public static Document parse(Path file) {
        try {
            DocumentBuilder b = BUILDERS.get();
            b.setErrorHandler(new DefaultHandler() {
                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            try (InputStream in = Files.newInputStream(file)) {
                return b.parse(in, file.toUri().toString());
            }
        } catch (SAXParseException e) {
            throw new AssertionError(file + " is not well-formed at line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ": " + e.getMessage() + "\n" + tail(file), e);
        } catch (SAXException | IOException e) {
            throw new AssertionError("cannot parse " + file + ": " + e, e);
        }
    }

    /** Validates {@code file} against the shipped schema; fails the test with the first error. */
    public static void validate(Path file) {
        Validator v = SCHEMA.newValidator();
        try {
            v.validate(new StreamSource(file.toFile()));
        } catch (SAXParseException e) {
            throw new AssertionError(file + " does not match the schema at line " + e.getLineNumber()
                    + ", column " + e.getColumnNumber() + ": " + e.getMessage(), e);
        } catch (SAXException | IOException e) {
            throw new AssertionError("cannot validate " + file + ": " + e, e);
        }
    }

    /** Parses {@code file}, checks the root, and returns its event elements in order. */
    public static List<Element> events(Path file) {
        Element root = parse(file).getDocumentElement();
        if (!"log".equals(root.getLocalName()) || !XmlLogSink.NAMESPACE.equals(root.getNamespaceURI())
                || !XmlLogSink.FORMAT_VERSION.equals(root.getAttribute("version"))) {
            throw new AssertionError(file + " has the root {" + root.getNamespaceURI() + "}" + root.getLocalName()
                    + " version=" + root.getAttribute("version"));
        }
        List<Element> events = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                events.add(e);
            }
        }
        return events;
    }

    /** The local names of the events in {@code file}, in order. */
    public static List<String> kinds(Path file) {
        return events(file).stream().map(Element::getLocalName).toList();
    }

    /**
     * Counts the events of each kind in {@code file} with a streaming parser, for logs too large for a
     * DOM; fails the test if the file is not well-formed.
     */
    public static Map<String, Long> count(Path file) {
        Map<String, Long> counts = new TreeMap<>();
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            XMLStreamReader r = f.createXMLStreamReader(in);
            int depth = 0;
            while (r.hasNext()) {
                int type = r.next();
                if (type == XMLStreamConstants.START_ELEMENT) {
                    if (++depth == 2) {
                        counts.merge(r.getLocalName(), 1L, Long::sum);
                    }
                } else if (type == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
            r.close();
            return counts;
        } catch (XMLStreamException e) {
            throw new AssertionError(file + " is not well-formed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of the child element {@code name} of an event ({@code text}, {@code arguments}, {@code detail}). */
    public static String child(Element event, String name) {
        var list = event.getElementsByTagNameNS(XmlLogSink.NAMESPACE, name);
        if (list.getLength() != 1) {
            throw new AssertionError("event " + event.getLocalName() + " has " + list.getLength() + " <" + name + ">");
        }
        return list.item(0).getTextContent();
    }

    private static String tail(Path file) {
        try {
            String s = Files.readString(file);
            return "... " + s.substring(Math.max(0, s.length() - 600));
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
