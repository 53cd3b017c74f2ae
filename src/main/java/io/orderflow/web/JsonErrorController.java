package io.orderflow.web;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every error Spring or the servlet container routes to {@code /error} (unknown path, wrong method, 401 from Spring
 * Security, an unhandled exception) is answered {@code {"error":"<reason>"}} in JSON: no HTML page, no stack trace,
 * nothing of the request (Spring's default echoed the path, {@code ;jsessionid=...} included). Replaces Spring Boot's
 * BasicErrorController.
 */
@RestController
public class JsonErrorController implements ErrorController {

    @RequestMapping(path = "/error", produces = MediaType.ALL_VALUE)
    public ResponseEntity<Map<String, String>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer c ? HttpStatus.resolve(c) : null;
        if (status == null || !status.isError()) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", reason(status.value())));
    }

    /** A short reason for a status, the same for every request (nothing of the request is in it). */
    public static String reason(int status) {
        HttpStatus resolved = HttpStatus.resolve(status);
        return resolved == null ? "error" : resolved.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
    }
}
