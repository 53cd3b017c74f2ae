package io.orderflow.console;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

import javax.management.ObjectName;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.springframework.core.io.Resource;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What a Jolokia request may do, for the actuator's Jolokia agent (/actuator/jolokia, and the console's
 * /hawtio/jolokia forwarded to it). Jolokia uses a Restrictor bean instead of its policy file, so this one applies
 * the policy file itself and adds two things:
 * <ul>
 * <li>the management user's role: only the operator may execute operations ({@code exec}) or write attributes
 * ({@code write}); the read-only viewer may {@code read}, {@code list}, {@code search} and ask the {@code version}.
 * Spring Security has authenticated the request before Jolokia runs, on the same thread;</li>
 * <li>operation names are matched with and without their signature: a request names an operation {@code gc} or
 * {@code gc()} (or {@code op(java.lang.String)}), and the policy file's deny list, which matches the name as given,
 * would otherwise block one form only.</li>
 * </ul>
 * The origins of {@code orderflow.console.allowed-origins} are added to the policy's {@code <cors>} section.
 */
public class ConsoleJolokiaRestrictor implements Restrictor {

    static final String OPERATOR_AUTHORITY = "ROLE_OPERATOR";
    private static final Set<RequestType> CHANGING = Set.of(RequestType.EXEC, RequestType.WRITE);

    private final PolicyRestrictor policy;

    public ConsoleJolokiaRestrictor(Resource policyFile, List<String> extraOrigins) {
        try (InputStream in = policyFile.getInputStream()) {
            this.policy = new PolicyRestrictor(new ByteArrayInputStream(withOrigins(in, extraOrigins)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Jolokia policy " + policyFile, e);
        }
    }

    /** The policy document with one {@code <allow-origin>} per extra origin in its (first) {@code <cors>}. */
    static byte[] withOrigins(InputStream policyXml, List<String> extraOrigins) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(policyXml);
            NodeList cors = doc.getElementsByTagName("cors");
            if (cors.getLength() == 0) {
                throw new IllegalStateException("The Jolokia policy has no <cors> section: origins would not be checked");
            }
            Element section = (Element) cors.item(0);
            for (String origin : extraOrigins) {
                Element allow = doc.createElement("allow-origin");
                allow.setTextContent(origin.trim());
                section.appendChild(allow);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransformerFactory transformers = TransformerFactory.newInstance();
            transformers.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            transformers.newTransformer().transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot parse the Jolokia policy: " + e.getMessage(), e);
        }
    }

    /** Whether the user of the current request is the operator (every other management user only reads). */
    static boolean currentUserIsOperator() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated()) {
            return false;
        }
        for (GrantedAuthority authority : auth.getAuthorities()) {
            if (OPERATOR_AUTHORITY.equals(authority.getAuthority())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isTypeAllowed(RequestType type) {
        return policy.isTypeAllowed(type) && (!CHANGING.contains(type) || currentUserIsOperator());
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        if (!currentUserIsOperator()) {
            return false;
        }
        int paren = operation.indexOf('(');
        String bare = paren < 0 ? operation : operation.substring(0, paren);
        return policy.isOperationAllowed(name, operation) && policy.isOperationAllowed(name, bare)
                && policy.isOperationAllowed(name, bare + "()");
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return currentUserIsOperator() && policy.isAttributeWriteAllowed(name, attribute);
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        return policy.isAttributeReadAllowed(name, attribute);
    }

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return policy.isHttpMethodAllowed(method);
    }

    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return policy.isRemoteAccessAllowed(hostOrAddress);
    }

    @Override
    public boolean isOriginAllowed(String origin, boolean onlyWhenStrictCheckingIsEnabled) {
        return policy.isOriginAllowed(origin, onlyWhenStrictCheckingIsEnabled);
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return policy.isObjectNameHidden(name);
    }

    @Override
    public boolean ignoreScheme() {
        return policy.ignoreScheme();
    }
}
