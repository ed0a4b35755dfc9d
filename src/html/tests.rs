use super::*;

#[test]
fn text_and_attributes_are_escaped() {
    let mut out = String::new();
    escape_text(&mut out, "a<script>&amp;\"x\"\n");
    assert_eq!(out, "a&lt;script&gt;&amp;amp;\"x\"<br>");
    assert_eq!(attr("\"<&>'"), "&quot;&lt;&amp;&gt;'");
}
