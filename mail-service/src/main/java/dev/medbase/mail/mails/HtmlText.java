package dev.medbase.mail.mails;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTML bodies get a plain-text alternative: tags dropped, links kept as "text (url)", entities decoded. */
final class HtmlText {

    private static final Pattern LOOKS_LIKE_HTML = Pattern.compile(
            "(?is)<(html|body|p|div|br|table|a|span|h[1-6]|img|ul|ol|li|strong|em|b|i)\\b[^>]*>");
    private static final Pattern LINK = Pattern.compile("(?is)<a\\b[^>]*?href\\s*=\\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a>");
    private static final Pattern BREAK = Pattern.compile("(?i)<br\\s*/?>|</(p|div|h[1-6]|li|tr|table)>");
    private static final Pattern DROP = Pattern.compile("(?is)<(script|style|head)\\b.*?</\\1>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");

    private HtmlText() {
    }

    static boolean looksLikeHtml(String body) {
        return body != null && LOOKS_LIKE_HTML.matcher(body).find();
    }

    /** HTML entities the template engines write ({@code &amp;}, {@code &lt;}, {@code &#x27;} …) decoded. */
    static String unescape(String s) {
        return s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&#x27;", "'").replace("&#x3D;", "=").replace("&#x60;", "`")
                .replace("&amp;", "&");
    }

    static String toText(String html) {
        if (html == null) {
            return null;
        }
        String s = DROP.matcher(html).replaceAll("");
        Matcher links = LINK.matcher(s);
        StringBuilder out = new StringBuilder();
        while (links.find()) {
            String text = TAG.matcher(links.group(2)).replaceAll("").trim();
            String url = links.group(1);
            String replacement = text.isEmpty() || text.equals(url) ? url : text + " (" + url + ")";
            links.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        links.appendTail(out);
        s = BREAK.matcher(out).replaceAll("\n");
        s = TAG.matcher(s).replaceAll("");
        s = unescape(s);
        s = s.replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll(" *\n *", "\n").replaceAll("\n{3,}", "\n\n");
        return s.trim();
    }
}
