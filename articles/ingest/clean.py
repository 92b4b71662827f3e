"""Boilerplate removal for plain-text articles: what is left is the article's own text.

Scraped news text arrives wrapped in page furniture: header dates and widget headings,
"No time to read? Get a summary" teasers, subscribe boxes, comment forms, share bars,
related-news lists, previous/next links, author bios, an aggregator's description of itself.
`clean_text` drops those lines by general rules (the shape and vocabulary of such lines,
never one site's exact strings) and by the lines a source is known to repeat
(`learn_boilerplate`), and tidies whitespace. It never edits a kept line's words,
punctuation or typos and never joins or splits lines: claim appearances are anchored in
the clean body, and an analyst must be able to find every quoted word in the raw text.

Not for HTML (trafilatura extracts the main text of pages, extract.py), not for metadata
(dates, bylines and "Based on materials" attributions are read by metadata.py from the raw
text; here such lines are only dropped from the body), and no Django: pure functions over
strings, safe to run in a process pool.

How it decides, in order:
1. Every line is matched against `LINE_RULES`: short widget lines whose whole shape is
   boilerplate ("Share this:", "LEAVE A REPLY", "Advertisement"). The rules are anchored
   at the start of the line and capped in length, so a sentence of running text that merely
   contains "subscribe", "related" or "comment" is never taken.
2. Block rules look at neighbours: share bars and site menus stacked one word per line,
   author bio blocks (a name line, then "<name> has been a reporter…"), the headline lines
   of a related-news list, the neighbour titles after "Previous Article"/"Next Article".
3. Site chrome above the first paragraph: standalone date lines and photo credits.
4. The tail: from a strong end-of-article marker (comment form, subscribe box, author bio,
   previous/next navigation, related-news list) everything is cut, provided (almost) no
   unexplained article prose follows it — so a marker in the middle of an article, or a
   "Related Posts" widget above the headline, never cuts the article itself.
The whole procedure repeats until nothing more changes, so cleaning is idempotent.
"""

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

# --- Vocabulary shared by the rules -------------------------------------------------------

_I = re.IGNORECASE
# Invisible characters that web pages leave at the edges of lines (nbsp, zero-width, BOM).
_EDGE_INVISIBLES = "\xa0\u202f\u2007\u200b\u200c\u200d\u2060\ufeff"
_EDGE_TABLE = str.maketrans("", "", _EDGE_INVISIBLES)
# A regex, not str.translate: translate looks every character up in a dict (4x slower on
# the long lines of an article body; line_key runs on every line of every body learned).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_LEADING_EDGE = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]*")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

_NETWORKS = (
    r"telegram|twitter|x|facebook|instagram|youtube|tiktok|linkedin|google news|whatsapp|"
    r"threads|bluesky|mastodon|vk|vkontakte|viber|rumble|truth social|reddit|pinterest"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?"
_DATE = (
    rf"(?:{_WEEKDAY},?\s+)?"
    r"(?:"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"  # 08 January 2025
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # June 17, 2025
    r"|\d{4}-\d{2}-\d{2}"  # 2025-06-17
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}"  # 17.06.2025, 6/17/2025
    r")"
)
_TIME = (
    r"(?:\s*(?:,|at|-|–|\|)?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"\s*(?:[A-Z]{2,5}|UTC|GMT)?(?:[+-]\d{1,2}(?::?\d{2})?)?)?"
)
# A date line, optionally labelled ("Updated:") and followed by a short section name
# ("08 January 2025, 23:41 | Policy"). A date inside a headline or a sentence never matches.
_DATE_LINE = re.compile(
    r"^(?:(?:last\s+)?(?:updated|published|posted|modified|date)(?:\s+on)?\s*:?\s*)?"
    r"(?:\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\s*[,|–-]?\s*)?"  # "23:41, 08 January 2025"
    rf"{_DATE}{_TIME}"
    r"(?:\s*[|•·/–—-]\s*[^\W\d_][^\d|.!?]{0,30})?$",
    _I,
)
# "Published 3 hours ago", "Updated 12 min ago"
_RELATIVE_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted)\s+)?\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|"
    r"days?|weeks?|months?)\s+ago$",
    _I,
)

# How a credit's name begins: an upper-case letter (Latin or Cyrillic), a digit or a domain.
_CAPITAL = r"(?:(?-i:[A-ZА-ЯЁЄІЇҐ0-9])|[\w-]+\.[a-z]{2,}\b)"

# A smiley code as comment widgets print them: ":D", ":lol:", ":-)", ";-)", "8)", ":zzz".
_SMILEY = re.compile(r"^(?::[a-z]+:?|[:;8=][-'o^]?[()\[\]dpo|*x?/\\$@]+|<3|\^_\^|xd)$", _I)
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words of a share bar ("Facebook Twitter WhatsApp Telegram Email Copy link").
_SHARE_WORDS = _words(
    "share shares tweet pin email e-mail mail print copy link url facebook twitter x "
    "whatsapp telegram linkedin pinterest reddit tumblr vk viber messenger flipboard pocket "
    "threads bluesky mastodon sms skype line ok more"
)
_SHARE_ANCHORS = _SHARE_WORDS - {"copy", "link", "url", "x", "line", "ok", "more", "mail"}
# Words of a site's navigation or footer menu ("Help Status About Careers Press Blog").
_MENU_WORDS = _words(
    "home news world politics business economy markets tech technology science health sport "
    "sports culture opinion opinions entertainment lifestyle life travel video videos photos "
    "podcasts live latest local national international europe africa asia americas weather "
    "menu search login log sign register subscribe contact about privacy policy terms use "
    "service services cookies cookie careers jobs advertise help status press blog sitemap "
    "rss faq imprint legal newsletter newsletters archive editorial team speech teams ethics "
    "corrections accessibility"
)
_MENU_GLUE = _words("to of in and & us our")
_TOKEN_SPLIT = re.compile(r"[\s|•·/,]+")
_MENU_SEPARATOR = re.compile(r"[|•·]")

# Prose: a line of running text (enough words and a sentence end), as opposed to headings,
# headlines, table rows and widget labels. Only prose can stop a tail cut or a link list.
_PROSE_MIN_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)\]]*\s+[\"'“‘«(]?[^\W\d_]")

# Author bios: the name as a line of its own, then a third-person sentence about the author.
_NAME_LINE = re.compile(r"^(?:[^\W\d_][\w.'’-]*)(?:\s+[^\W\d_][\w.'’-]*){1,3}$")
_BIO_OPENER = re.compile(
    r"^(?:has|have|is|was|joined|writes|covers|reports|started|began|worked|holds|serves|"
    r"graduated|specialises|specializes)\b",
    _I,
)
_BIO_VOCABULARY = re.compile(
    r"journalis|report|correspondent|editor|writer|columnist|author|contributor|newspaper|"
    r"magazine|media|broadcast|blogger|freelance|\bnews\b|\btv\b|radio",
    _I,
)
_BIO_MAX_WORDS = 120
# Longest line still taken for a headline in a related-news list.
_HEADLINE_MAX_WORDS = 25


# --- Line rules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRule:
    """A whole line that is boilerplate: `pattern` matches the line (whitespace collapsed)
    and the line has at most `max_words` words. `kind` groups rules for the tail cut."""

    name: str
    kind: str
    pattern: re.Pattern[str]
    max_words: int = 12


def _rule(name: str, kind: str, pattern: str, max_words: int = 12) -> LineRule:
    return LineRule(name, kind, re.compile(pattern, _I), max_words)


# End-of-article markers, and how much unexplained prose may follow one for the tail to
# be cut there anyway, as a share of the article prose before it. Sidebars after a comment
# form or an author bio carry teaser sentences no rule knows, and those markers never stand
# mid-article. Subscribe boxes sometimes do (Substack puts one after the intro), so they
# allow less; related-news lists are often inserted mid-article, so they allow none.
END_MARKER_SLACK = {
    "comment": 0.25,
    "nav": 0.25,
    "bio": 0.25,
    "self": 0.25,
    "subscribe": 0.1,
    "related": 0.0,
}

LINE_RULES: tuple[LineRule, ...] = (
    # -- teaser widgets ("No time to read?" / "Get a summary", "5 min read")
    # The teaser question: "No time to read?", "No time for reading?"
    _rule("no-time-to-read", "teaser", r"^no time (?:to|for) read(?:ing)?\b.*$", 8),
    # Its button: "Get a summary", "Show AI summary", "Read the TL;DR"
    _rule(
        "get-summary",
        "teaser",
        r"^(?:get|see|show|read|generate|view)\s+(?:an?\s+|the\s+)?"
        r"(?:ai[- ]?(?:generated\s+)?|quick\s+|short\s+|brief\s+)?"
        r"(?:summary|tl;?dr|recap|key points)\b[^.]{0,20}[.!]?$",
        6,
    ),
    # Audio and summary buttons: "Summarize this article", "Listen to this article"
    _rule(
        "summarize-listen",
        "teaser",
        r"^(?:summari[sz]e|listen to)\s+(?:this\s+|the\s+)?(?:article|story|post|page)\b.{0,20}$",
        8,
    ),
    # Reading-time labels: "5 min read", "Reading time: 3 minutes"
    _rule(
        "reading-time",
        "teaser",
        r"^(?:\d+\s*(?:min(?:ute)?s?|m)\.?\s+read|(?:estimated\s+)?reading time\b.{0,20})$",
        6,
    ),
    # -- subscribe and newsletter boxes
    # "Discover more from <site>" (WordPress/Jetpack subscribe box heading)
    _rule("discover-more", "subscribe", r"^discover more from\b.*$", 30),
    # Calls to subscribe: "Subscribe to get the latest posts sent to your email."
    _rule(
        "subscribe-cta",
        "subscribe",
        r"^(?:subscribe|sign\s*up|signup)\b.{0,100}?\b(?:newsletters?|posts?|updates|e-?mails?|"
        r"inbox|digest|alerts|subscribers?|subscription|channel|stories|briefing|reading|"
        r"access|membership|premium|podcast|feed|notifications)\b.*$",
        25,
    ),
    # Bare buttons: "Subscribe", "Subscribe now!", "Sign up for free", "Newsletter"
    _rule(
        "subscribe-button",
        "subscribe",
        r"^(?:subscribe|sign\s*up|newsletters?)(?:\s+(?:now|today|here|free|for free))?\s*[.!]?$",
        4,
    ),
    # Subscriber counts: "Join 2,345 other subscribers", "Join our mailing list"
    _rule(
        "join-list",
        "subscribe",
        r"^join\b.{0,40}\b(?:subscribers|mailing list|newsletter|readers)\b.*$",
        12,
    ),
    # Newsletter plugs: "Our weekly newsletter", "Get our free morning briefing newsletter"
    _rule(
        "our-newsletter",
        "subscribe",
        r"^(?:get\s+|sign up for\s+|join\s+)?our\s+(?:free\s+)?(?:\S+\s+){0,2}newsletters?\b.*$",
        14,
    ),
    # Paywall log-ins: "Already a subscriber? Log in", "Already have an account? Sign in"
    _rule(
        "already-subscribed",
        "subscribe",
        r"^already (?:a\s+)?(?:subscriber|member|have an account|registered)\b.*$",
        10,
    ),
    # The e-mail field: "Type your email…", "Enter your email address"
    _rule("email-field", "subscribe", r"^(?:type|enter)\s+your\s+e-?mail(?:\s+address)?\b.*$", 8),
    # The Substack footer: "Thanks for reading X! Subscribe for free to receive new posts…"
    _rule("thanks-for-reading", "subscribe", r"^thanks?(?: you)? for reading\b.*$", 30),
    # Inbox promises: "Get the latest news delivered straight to your inbox"
    _rule(
        "to-your-inbox",
        "subscribe",
        r"^(?:get|receive|have)\b.{0,80}\b(?:delivered|sent)\s+(?:straight\s+|directly\s+)?"
        r"to your (?:inbox|e-?mail)\b.*$",
        20,
    ),
    # -- comment forms and comment widgets
    # Form headings: "LEAVE A REPLY", "Add a comment", "Leave a Reply Cancel reply"
    _rule(
        "leave-a-reply",
        "comment",
        r"^(?:leave|post|add|write|submit|share)\s+(?:a|your|the)\s+"
        r"(?:reply|comment|response|thoughts)\b[^.]{0,30}[.!]?$",
        8,
    ),
    # Form prompts: "Please enter your comment!", "Please enter your name here"
    _rule(
        "please-enter",
        "comment",
        r"^please\s+(?:enter|type|fill in|provide)\s+your\s+"
        r"(?:comment|name|e-?mail|message|reply|answer)\b.*$",
        10,
    ),
    # Comment counts: "Comments", "3 Comments", "Comments (12)", "Responses (3)"
    _rule(
        "comments-heading",
        "comment",
        r"^(?:\d+\s+)?(?:comments?|replies|responses)(?:\s*\(\d+\))?\s*:?$",
        3,
    ),
    # Comment toggles: "Show all 12 comments", "View comments", "Load more replies"
    _rule(
        "show-comments",
        "comment",
        r"^(?:show|view|load|read|hide|see)\s+(?:all\s+|more\s+)?(?:\d+\s+)?"
        r"(?:comments?|replies|responses)\b[^.]{0,20}$",
        6,
    ),
    # Invitations: "No comments yet", "Be the first to comment", "Join the discussion"
    _rule(
        "comment-invitation",
        "comment",
        r"^(?:no comments(?: yet)?|be the first to (?:comment|reply|respond)|"
        r"join the (?:discussion|conversation)|cancel reply|comments? (?:are|is) (?:closed|"
        r"disabled))\b[^,;:]{0,30}[.!]?$",
        8,
    ),
    # WordPress comment-form small print
    _rule(
        "comment-small-print",
        "comment",
        r"^(?:your e-?mail address will not be published|save my name,? e-?mail|"
        r"you have entered an incorrect e-?mail|you must be logged in to post|"
        r"(?:log|sign) in to (?:comment|reply|post))\b.*$",
        30,
    ),
    # Captchas, e.g. "Enter the correct answer", "Solve the captcha", "I'm not a robot"
    _rule(
        "captcha",
        "comment",
        r"^(?:(?:enter|type|solve|complete)\s+the\s+(?:correct\s+answer|captcha|code|"
        r"characters|security code|sum|result)|captcha|i'?m not a robot|"
        r"prove (?:that )?you'?re (?:a )?human)\b.*$",
        6,
    ),
    # -- previous / next navigation
    # Neighbour links: "Previous Article", "Next Article", "« Previous", "Next post →"
    _rule(
        "prev-next",
        "nav",
        r"^(?:[«‹←<]+\s*)?(?:previous|prev|next|older|newer)"
        r"(?:\s+(?:article|post|story|entry|item|page|news))?(?:\s*[»›→>]+)?\s*:?$",
        3,
    ),
    # Neighbour links with their title: "Previous article: <headline>"
    _rule(
        "prev-next-inline",
        "nav",
        r"^(?:[«‹←<]+\s*)?(?:previous|prev|next)\s+(?:article|post|story|entry)\s*[:|–—-]\s*\S.*$",
        30,
    ),
    # The WordPress heading of those links, "Post navigation"
    _rule("post-navigation", "nav", r"^(?:post|article) navigation$", 2),
    # -- related-news lists (headings only; their headline lines go by a block rule)
    # List headings: "Related Posts", "Related news on that topic:", "More stories from X"
    _rule(
        "related-heading",
        "related",
        r"^(?:related|similar|recommended|suggested|more|other|further|latest|recent)\s+"
        r"(?:news|posts?|articles?|stories|coverage|reading|content|links?|videos?|reports|"
        r"headlines|topics)(?:\s+(?:on|about|from|for|in|at)\s+[^.!?]{1,40})?\s*:?$",
        10,
    ),
    # Short list headings: "Related", "Read also:", "See more", "Also read"
    _rule(
        "read-also-heading",
        "related",
        r"^(?:related|(?:read|see)\s+(?:also|more|next|too)|also\s+(?:read|see))\s*:?$",
        3,
    ),
    # List intros, e.g. "The press radar on this topic:", "Coverage on that subject:"
    _rule(
        "on-this-topic",
        "related",
        r"^[^.!?]{0,50}\b(?:on|about)\s+(?:this|that|the same)\s+(?:topic|subject)\s*:$",
        8,
    ),
    # Recommendation widgets: "You may also like", "You might be interested in"
    _rule(
        "you-may-like",
        "related",
        r"^(?:you|we think you)\s+(?:may|might|could|will|would)\s+(?:also\s+)?"
        r"(?:like|enjoy|be interested in|want to read)\b[^.]{0,30}$",
        10,
    ),
    # Pick lists: "Recommended for you", "Editor's picks", "Don't miss", "In other news"
    _rule(
        "picks-heading",
        "related",
        r"^(?:recommended(?:\s+(?:for you|reading|stories|articles))?|editor'?s'?\s+picks?|"
        r"editors'?\s+choice|(?:don'?t|do not)\s+miss|in (?:other|related) news|"
        r"more from\s+[^.!?]{1,50})\s*:?$",
        8,
    ),
    # Popularity widgets: "Most read", "Popular Articles", "Trending now", "Top stories"
    _rule(
        "popular-heading",
        "related",
        r"^(?:(?:the\s+)?most\s+(?:read|popular|viewed|shared|commented|watched)|"
        r"(?:popular|trending|latest|top|featured)\s+(?:articles?|posts?|news|stories|now|"
        r"headlines|today|this week))(?:\s+(?:articles?|stories|posts|news|this week|today|"
        r"now|this month))?\s*:?$",
        5,
    ),
    # Ranked widgets: "Top 5 This Week", "Top 10 stories"
    _rule(
        "top-n-heading",
        "related",
        r"^top\s+\d+\s+(?:this\s+(?:week|month)|today|stories|articles|posts|news)\s*:?$",
        5,
    ),
    # -- inline links inside the article ("Read also: <headline>"): the line goes, no cut
    _rule(
        "read-also-inline",
        "link",
        r"^(?:(?:read|see)\s+(?:also|more|next|too)|also\s+(?:read|see)|related|read|watch)"
        r"\s*[:|–—]\s*\S.*$",
        40,
    ),
    # -- author bio headings ("About the author")
    _rule(
        "about-author",
        "bio",
        r"^(?:about the (?:author|writer|reporter)s?|author bio|author profile|"
        r"meet the author)\s*:?$",
        4,
    ),
    # -- aggregator self-descriptions ("infobud.news is an AI-driven news aggregator…"): the
    # site names itself by its domain, which running text about another outlet rarely does
    _rule(
        "site-self-description",
        "self",
        r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\s+is\s+(?:an?|the)\b.{0,80}"
        r"\b(?:aggregator|news (?:site|platform|portal|service|app|website|outlet)|"
        r"media (?:outlet|platform|company))\b.*$",
        200,
    ),
    # -- share bars and social follow boxes
    # Share labels: "Share", "Share this:", "Share this article", "Share on Facebook"
    _rule(
        "share",
        "share",
        r"^share(?:\s+(?:this|the)(?:\s+(?:article|story|post|page|video))?|"
        r"\s+(?:on|via|to|with)\s+[\w.+ ]{1,30}|\s+it)?\s*[:!]?$",
        6,
    ),
    # Jetpack share buttons, e.g. "Click to share on X (Opens in new window)"
    _rule(
        "click-to-share", "share", r"^(?:click|tap)\s+to\s+(?:share|print|e-?mail|tweet)\b.*$", 15
    ),
    # Jetpack like buttons, e.g. "Like this:", "Like Loading...", "Loading..."
    _rule("like-this", "share", r"^(?:like this\s*:?|(?:like\s+)?loading\W*)$", 3),
    # Link buttons: "Copy link", "Link copied"
    _rule("copy-link", "share", r"^(?:copy(?:\s+the)?\s+link|link copied|copied!?)$", 3),
    # Social plugs: "Follow us on Telegram", "Follow Focus on Google News"
    _rule(
        "follow-us",
        "share",
        rf"^(?:follow|like|join|find|subscribe to|add)\s+(?:us|[^.!?]{{1,40}}?)\s+"
        rf"(?:on|at|via|in)\s+(?:{_NETWORKS})\b[^.!?]{{0,40}}[.!]?$",
        14,
    ),
    # Channel plugs: "Join our Telegram channel", "Join us on Discord"
    _rule(
        "join-channel",
        "share",
        r"^join\s+(?:us|our)\b[^.!?]{0,40}\b(?:channel|group|community|server)\b[^.]{0,30}[.!]?$",
        12,
    ),
    # -- advertising and page chrome
    # Ad labels: "Advertisement", "- ADVERTISEMENT -", "Sponsored", "Реклама"
    _rule(
        "advertisement",
        "chrome",
        r"^[-–—_*\s]*(?:advertisement|advertising|advert|ad|ads|sponsored(?: content| post)?|"
        r"promoted(?: content)?|paid (?:content|post|partnership)|partner content|реклама)"
        r"[-–—_*\s]*$",
        3,
    ),
    # Skip links: "Advertisement - Scroll to continue", "Skip to content"
    _rule(
        "skip-links",
        "chrome",
        r"^(?:advertisement\s*[-–—:|]\s*(?:scroll|continue|story)\b.*|"
        r"(?:skip|jump) to (?:the\s+)?(?:main\s+)?(?:content|navigation|menu|search|footer))$",
        8,
    ),
    # Ad breaks in the text: "Story continues below advertisement", "Continue reading"
    _rule(
        "continues-below",
        "chrome",
        r"^(?:(?:story|article|text|content)\s+continues\s+(?:below|after)\b.*|"
        r"(?:scroll|swipe)\s+(?:down\s+)?(?:to|for)\s+(?:continue|read|more)\b.*|"
        r"continue reading(?: below| the (?:main )?(?:story|article))?\W*)$",
        10,
    ),
    # Cookie notices, e.g. "We use cookies to…", "This website uses cookies…" (can be long)
    _rule(
        "cookie-notice",
        "chrome",
        r"^(?:we|this (?:web)?site|our (?:web)?site|this page|the site)\s+uses?\s+cookies\b.*$",
        80,
    ),
    # Cookie buttons: "Accept all cookies", "Cookie settings", "By continuing to use …"
    _rule(
        "cookie-buttons",
        "chrome",
        r"^(?:(?:accept|reject|allow|manage|decline)\s+(?:all\s+|necessary\s+)?cookies\b.*|"
        r"cookies?\s+(?:settings|policy|preferences|consent|notice)|"
        r"by (?:continuing|using)\b.{0,60}\b(?:you (?:agree|accept|consent)|cookies)\b.*)$",
        60,
    ),
    # Copyright lines: "© 2024 X. All rights reserved.", "Copyright 2025 X"
    _rule("copyright", "chrome", r"^(?:©|\(c\)|copyright\s*(?:©|\(c\))?\s*\d{4}).*$", 30),
    # Rights lines: "X Ltd. All rights reserved."
    _rule("rights-reserved", "chrome", r"^[^.!?]{0,80}[.|·•,-]?\s*all rights reserved\.?$", 20),
    # Text-size widgets: "Text Size:", "Font size", "A A A", "A- A+"
    _rule(
        "text-size",
        "chrome",
        r"^(?:(?:text|font)\s+size\s*:?(?:\s*[-+a]){0,3}|(?:a\s*[-+]?\s*){2,3})$",
        5,
    ),
    # Greetings: "Welcome!", "Welcome back", "Welcome to infobud.news!"
    _rule(
        "welcome",
        "chrome",
        r"^welcome(?:\s+back|\s+to\s+[\w-]+(?:\.[\w-]+)+)?\s*!?$",
        4,
    ),
    # Tag lines: "Tags: Russia, Ukraine", "Filed under: World"
    _rule(
        "tags",
        "chrome",
        r"^(?:tags?|tagged(?: with)?|filed under|categories|category)\s*:\s*\S[^.!?]*$",
        30,
    ),
    # Medium counters, e.g. "1.2K Followers", "340 claps"
    _rule(
        "counters",
        "chrome",
        r"^[\d.,]+\s*[km]?\s+(?:followers?|following|claps?|views|likes|shares)$",
        3,
    ),
    # Lone toolbar words, e.g. "Follow", "Listen", "Search", "Print this article"
    _rule(
        "toolbar-word",
        "chrome",
        r"^(?:follow|listen|bookmark|save(?: article| for later)|menu|search|"
        r"(?:log|sign) ?(?:in|out)|register|my account|"
        r"print(?: this)?(?: article| page| story)?)$",
        3,
    ),
    # App plugs: "Download our app", "Get the Focus app for iOS"
    _rule(
        "app-promo",
        "chrome",
        r"^(?:download|get|install)\s+(?:the|our)\b[^.!?]{0,30}\bapp\b[^.!?]{0,30}[.!]?$",
        10,
    ),
    # The Reuters footer, e.g. "Our Standards: The Thomson Reuters Trust Principles."
    _rule("our-standards", "chrome", r"^our standards\s*:.*$", 12),
    # Photo credits: "Photo: Reuters/Maxim Shemetov", "Photo by Jane Roe on Unsplash";
    # a caption ("Photo: the destroyed bridge near Sudzha.") describes the story and stays
    _rule(
        "photo-credit",
        "credit",
        r"^\(?(?:photo(?:graph)?|image|picture|illustration|pictured|credit|фото)s?"
        r"(?:\s+credits?)?\s*(?::|©|—|–|\bby\b|\bcourtesy(?:\s+of)?\b)\s*"
        rf"{_CAPITAL}[^,;!?]{{0,60}}(?<!\.)\)?$",
        9,
    ),
    # Agency credits: "AFP via Getty Images", "Reuters/Maxim Shemetov", "AP Photo/Evan Vucci"
    _rule(
        "agency-credit",
        "credit",
        r"^(?:[^.!?]{0,60}\b(?:via\s+)?getty images|(?:ap|afp|reuters|epa(?:-efe)?|anadolu|"
        r"tass|sputnik|ria novosti)(?:\s+photo)?\s*/\s*[^.!?/]{1,40})$",
        10,
    ),
    # -- the same furniture on Russian- and Ukrainian-language sites
    # Related headings: "Читайте также:", "Читайте також", "Смотрите также"
    _rule(
        "related-heading-cyrillic",
        "related",
        r"^(?:читайте|дивіться|смотрите)\s+(?:также|тоже|також|ещё|еще|ще)\s*:?$",
        3,
    ),
    # Inline links: "Читайте также: <headline>"
    _rule(
        "read-also-inline-cyrillic",
        "link",
        r"^(?:читайте|дивіться|смотрите)\s+(?:также|тоже|також|ещё|еще|ще)\s*[:|–—]\s*\S.*$",
        40,
    ),
    # Subscribe plugs: "Подписывайтесь на наш Telegram", "Підписуйтесь на наш канал"
    _rule(
        "subscribe-cyrillic",
        "subscribe",
        r"^(?:подписывайтесь|подпишитесь|підписуйтесь|підпишіться)\b.*$",
        15,
    ),
    # Share and comment labels: "Поделиться", "Коментарі (3)", "Оставить комментарий"
    _rule(
        "share-cyrillic",
        "share",
        r"^(?:поделиться|поділитися)\s*:?$",
        2,
    ),
    _rule(
        "comments-cyrillic",
        "comment",
        r"^(?:(?:\d+\s+)?(?:комментарии|комментариев|коментарі|коментарів)(?:\s*\(\d+\))?|"
        r"(?:оставить|залишити|добавить|додати)\s+(?:комментарий|коментар))\s*:?$",
        4,
    ),
    # -- upstream attribution (metadata.py reads it from the raw text)
    # Attribution lines: "Based on materials: barrons.com", "With materials from Reuters"
    _rule(
        "based-on-materials",
        "attribution",
        r"^(?:(?:based on|with|using|according to)\s+(?:the\s+)?materials(?:\s+(?:of|from|by))?"
        r"\s*:\s*\S[^,;!?]{0,80}|(?:based on|with)\s+materials\s+(?:of|from|by)\s+[^,;!?]{1,60}|"
        r"originally (?:published|appeared)\s+(?:by|at|on|in)\s+[^,;!?]{1,80})$",
        10,
    ),
)

# The distinct `max_words` of the rules, ascending: which rules a line may match.
_RULE_LIMITS = sorted({rule.max_words for rule in LINE_RULES})


# --- Public API -----------------------------------------------------------------------------


def line_key(line: str) -> str:
    """The form in which lines are compared across articles of one source.

    Whitespace is collapsed and invisible characters dropped (pages differ in nbsp and
    wrapping), and letters are case-folded ("SUBSCRIBE" and "Subscribe" are the same
    button). Digits are kept as they are: lines that differ only in numbers are mostly
    article text of a series ("War diary, day 412", the same table with new figures), and
    would be learned as one line and then cut from every article; the furniture that does
    vary in numbers (dates, "12 Comments", "© 2025") is caught by the general rules.
    """
    visible = _INVISIBLE.sub("", line)
    return " ".join(visible.split()).casefold()


def clean_text(text: str, *, source_boilerplate: frozenset[str] = frozenset()) -> str:
    """The article text without boilerplate lines and blocks, whitespace tidied.

    `text` is the decoded raw text of one plain-text article (the first non-empty line is
    normally its title); the result keeps the title as its first line. Lines whose
    `line_key` is in `source_boilerplate` (learned for the article's source by
    `learn_boilerplate`) are removed as well. Kept lines keep their words, punctuation and
    typos; only trailing whitespace and invisible characters at line edges go, and runs of
    blank lines become one. Idempotent: cleaning a cleaned text changes nothing.
    """
    lines = [_tidy_line(line) for line in _split_lines(text)]
    while True:
        cleaned = _clean_once(lines, source_boilerplate)
        if cleaned == lines:
            return "\n".join(cleaned)
        lines = cleaned


def learn_boilerplate(
    texts: Iterable[str], *, min_articles: int = 3, min_share: float = 0.5
) -> frozenset[str]:
    """The line keys that one source repeats across its articles: its own boilerplate.

    `texts` are raw texts of articles of ONE source. A line is learned when it occurs in at
    least `min_articles` of them and in at least `min_share` of them. Identical texts count
    once (a story imported twice must not teach its own lines as boilerplate; near-duplicates
    should be left out by the caller, e.g. only canonical articles). Never learned: blank
    lines and lines with fewer than three letters — a lone quote mark, a table rule "---|---",
    a number — which are article structure rather than furniture. Weak evidence needs most
    articles (`_STRICT_SHARE`, or `min_share` if higher): a single word ("Photo", "Kursk" —
    "Advertisement" still qualifies when nearly every page has it) and a long line of prose,
    which is usually a sentence that a source quotes twice rather than a footer.
    """
    counts: Counter[str] = Counter()
    seen_texts: set[str] = set()
    for text in texts:
        lines = _split_lines(text)
        keys = [line_key(line) for line in lines]
        # The whole text's line_key, joined from its lines' (half the work of both).
        whole = " ".join(key for key in keys if key)
        if whole in seen_texts:
            continue
        seen_texts.add(whole)
        counts.update({key for line, key in zip(lines, keys, strict=True) if _learnable(line)})
    total = len(seen_texts)
    strict_share = max(min_share, _STRICT_SHARE)
    learned = set()
    for key, count in counts.items():
        needed = strict_share if _weak_evidence(key) else min_share
        if count >= min_articles and count >= needed * total:
            learned.add(key)
    return frozenset(learned)


# --- Helpers --------------------------------------------------------------------------------

_STRICT_SHARE = 0.8
# Three letters anywhere: stops at the third instead of listing every letter of a paragraph.
_THREE_LETTERS = re.compile(r"[^\W\d_](?:.*?[^\W\d_]){2}", re.S)


def _split_lines(text: str) -> list[str]:
    """Lines as the text has them: any newline convention, and no other character (form
    feed, U+2028) taken for a line break, so no line of the article is ever split."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _learnable(line: str) -> bool:
    return _THREE_LETTERS.search(line) is not None


def _weak_evidence(key: str) -> bool:
    words = len(key.split())
    return words == 1 or words >= _PROSE_MIN_WORDS


def _tidy_line(line: str) -> str:
    """Trailing whitespace and invisible characters at both edges go; leading ordinary
    spaces stay (they may be indentation the source meant)."""
    lead = _LEADING_EDGE.match(line).group()
    line = lead.translate(_EDGE_TABLE) + line[len(lead) :]
    # Whitespace and zero-width characters, in any mix, off the end: str.rstrip, not a
    # regex tried at every position of the line (cleaning 0.245 -> 0.22 ms an article).
    while (stripped := line.rstrip().rstrip(_ZERO_WIDTH)) is not line:
        line = stripped
    return line


# Share bars, menus and emoticon rows are short; longer lines skip those checks (speed).
_ROW_MAX_WORDS = 30
_ITEM_MAX_CHARS = 40


# The line tests below are pure functions of one line, asked again for the same lines by
# each pass of `clean_text` and for every article that repeats a source's furniture: they
# remember recent answers (extraction of a plain-text article on the bench corpus, caches
# cleared first: 0.53 -> 0.36 ms).
_REMEMBERED_LINES = 8192


@lru_cache(maxsize=_REMEMBERED_LINES)
def _flat(line: str) -> str:
    return " ".join(line.split())


def _word_count(flat: str) -> int:
    """The number of words of a `_flat` line (one space between words, none at its
    edges), counted rather than split: splitting every paragraph to count its words was
    the most frequent call of cleaning."""
    return flat.count(" ") + 1 if flat else 0


@lru_cache(maxsize=_REMEMBERED_LINES)
def _is_prose(line: str) -> bool:
    """Running text: at least a dozen words and a sentence end (not a heading or headline)."""
    flat = _flat(line)
    if _word_count(flat) < _PROSE_MIN_WORDS:
        return False
    return bool(_SENTENCE_END.search(flat) or _SENTENCE_BREAK.search(flat))


@lru_cache(maxsize=_REMEMBERED_LINES)
def _line_kind(flat: str) -> str | None:
    """The kind of boilerplate a single line is by itself, or None."""
    words = _word_count(flat)
    rules = _rules_up_to(words)
    if rules is not None and (match := rules.match(flat)):
        return LINE_RULES[int(match.lastgroup[1:])].kind
    if words > _ROW_MAX_WORDS:
        return None  # running text: none of the row shapes below can apply
    if _is_emoticon_row(flat):
        return "comment"
    if _is_menu_row(flat):
        return "chrome"
    tokens = _tokens(flat)
    if len(tokens) >= 2 and _is_share_row(tokens):
        return "share"
    return None


def _rules_up_to(words: int) -> re.Pattern[str] | None:
    """The LINE_RULES a line of `words` words may match (their `max_words` at least
    that), as one pattern of alternatives in their order: the first rule that matches is
    the alternative that does, named by its index. One match in C instead of up to 61 in
    a Python loop (cleaning an article 0.21 -> 0.18 ms)."""
    position = bisect_left(_RULE_LIMITS, words)
    return _rules_within(_RULE_LIMITS[position]) if position < len(_RULE_LIMITS) else None


@cache
def _rules_within(limit: int) -> re.Pattern[str]:
    return re.compile(
        "|".join(
            f"(?P<r{index}>{rule.pattern.pattern})"
            for index, rule in enumerate(LINE_RULES)
            if rule.max_words >= limit
        ),
        _I,
    )


@lru_cache(maxsize=_REMEMBERED_LINES)
def _tokens(flat: str) -> tuple[str, ...]:
    """A short line's words as the row and column rules compare them. Remembered: a line
    is tokenised by up to four rules, in each of two passes."""
    return tuple(t for t in (t.strip(".:!()[]").casefold() for t in _TOKEN_SPLIT.split(flat)) if t)


def _is_share_row(tokens: tuple[str, ...]) -> bool:
    """Share-bar words only, counters aside ("Share 0 Tweet 0 Pin 0"), naming a network or
    a share label."""
    named = [t for t in tokens if not t.isdigit()]
    return all(t in _SHARE_WORDS for t in named) and any(t in _SHARE_ANCHORS for t in named)


def _is_emoticon_row(flat: str) -> bool:
    """A row of smiley codes or emoji, as comment forms print them; a lone `"` is not."""
    tokens = flat.split()
    if len(tokens) >= 3 and sum(bool(_SMILEY.match(t)) for t in tokens) >= 0.7 * len(tokens):
        return True
    squeezed = flat.replace(" ", "")
    return len(squeezed) >= 2 and all(_EMOJI.match(c) or c in "\ufe0f\u200d" for c in squeezed)


def _is_menu_row(flat: str) -> bool:
    """A navigation or footer menu: only menu words, several of them ("Home | World |
    Politics", "Help Status About Careers Press Blog Privacy Terms")."""
    tokens = _tokens(flat)
    content = [t for t in tokens if t not in _MENU_GLUE]
    if not content or not all(t in _MENU_WORDS for t in content):
        return False
    segments = len(_MENU_SEPARATOR.split(flat))
    return (segments >= 3 and len(content) >= 3) or len(content) >= 6


def _is_date_line(flat: str) -> bool:
    return bool(_DATE_LINE.match(flat) or _RELATIVE_DATE_LINE.match(flat))


def _is_bare_photo_credit(flat: str) -> bool:
    """The word photo and a capitalised name, nothing else ("photo Фокус", "Photo Jane Roe")."""
    words = flat.split()
    if not 2 <= len(words) <= 4 or words[0].casefold() not in {"photo", "фото", "image"}:
        return False
    return all(w[0].isupper() for w in words[1:]) and not _SENTENCE_END.search(flat)


# --- One pass -------------------------------------------------------------------------------


def _clean_once(lines: list[str], learned: frozenset[str]) -> list[str]:
    flats = [_flat(line) for line in lines]
    kinds: list[str | None] = [None] * len(lines)
    for i, flat in enumerate(flats):
        if not flat:
            continue
        if learned and line_key(flat) in learned:
            kinds[i] = "learned"
        else:
            kinds[i] = _line_kind(flat)
    _mark_word_columns(flats, kinds)
    _mark_bio_blocks(flats, kinds)
    _mark_head_chrome(flats, kinds)
    _mark_link_lists(flats, kinds)
    _cut_tail(flats, kinds)
    return _assemble(lines, kinds)


def _live(flats: list[str], kinds: list[str | None], start: int = 0) -> Iterable[int]:
    """Indices of the non-blank lines not yet marked as boilerplate, from `start` on."""
    return (i for i in range(start, len(flats)) if flats[i] and kinds[i] is None)


def _mark_word_columns(flats: list[str], kinds: list[str | None]) -> None:
    """Share bars and site menus printed one item per line ("Facebook" / "Twitter" / "X",
    "Contact us" / "Privacy Policy" / "Terms of Use"). A single such word goes only in a
    column of them: two share lines naming a network or a share label, or three menu lines;
    a lone heading "Telegram" or "World" in an article stays."""
    shown = [i for i in range(len(flats)) if flats[i] and kinds[i] in (None, "share", "chrome")]
    columns = (("share", _is_share_word, 2), ("chrome", _is_menu_word, 3))
    for kind, is_item, min_run in columns:
        run: list[int] = []
        for i in [*shown, None]:
            if i is not None and (kinds[i] == kind or (kinds[i] is None and is_item(flats[i]))):
                run.append(i)
                continue
            anchored = kind != "share" or any(
                kinds[j] == "share" or _tokens(flats[j])[0] in _SHARE_ANCHORS for j in run
            )
            if len(run) >= min_run and anchored:
                for j in run:
                    kinds[j] = kind
            run = []


def _is_share_word(flat: str) -> bool:
    if len(flat) > _ITEM_MAX_CHARS:
        return False
    tokens = _tokens(flat)
    return len(tokens) == 1 and tokens[0] in _SHARE_WORDS


def _is_menu_word(flat: str) -> bool:
    """One menu item: one to three menu words ("Home", "Contact us", "Terms of Use")."""
    if len(flat) > _ITEM_MAX_CHARS:
        return False
    content = [t for t in _tokens(flat) if t not in _MENU_GLUE]
    return 1 <= len(content) <= 3 and all(t in _MENU_WORDS for t in content)


def _mark_bio_blocks(flats: list[str], kinds: list[str | None]) -> None:
    """An author bio block: the author's name on a line of its own (sometimes twice, as
    avatar caption and heading), then a third-person sentence about them as a journalist;
    or an "About the author" heading and the paragraph under it. Only below some article
    prose: a profile of a journalist opens with the same shape, and is the article."""
    live = list(_live(flats, kinds))
    first_prose = next((i for i in live if _is_prose(flats[i])), len(flats))
    for n, i in enumerate(live):
        if kinds[i] is not None or i < first_prose:
            continue
        name = flats[i]
        if len(name) > 50 or not _NAME_LINE.match(name) or not name[0].isupper():
            continue
        block = [i]
        m = n + 1
        while m < len(live) and flats[live[m]] == name:
            block.append(live[m])
            m += 1
        if m < len(live) and _is_bio(flats[live[m]], name):
            for j in [*block, live[m]]:
                kinds[j] = "bio"
    for i, kind in enumerate(kinds):
        if kind == "bio" and i > first_prose and _line_kind(flats[i]) == "bio":
            following = next(iter(_live(flats, kinds, i + 1)), None)
            if following is not None and _word_count(flats[following]) <= _BIO_MAX_WORDS:
                kinds[following] = "bio"


def _is_bio(paragraph: str, name: str) -> bool:
    if not paragraph.startswith(name + " ") or _word_count(paragraph) > _BIO_MAX_WORDS:
        return False
    rest = paragraph[len(name) + 1 :]
    return bool(_BIO_OPENER.match(rest) and _BIO_VOCABULARY.search(rest))


def _mark_head_chrome(flats: list[str], kinds: list[str | None]) -> None:
    """Above the first paragraph: header date lines ("Tuesday, June 17, 2025") and bare
    photo credits ("photo Фокус"). Below it, a date line may be a timeline heading."""
    for i in range(len(flats)):
        if not flats[i] or kinds[i] is not None:
            continue
        if _is_prose(flats[i]):
            return
        if _is_date_line(flats[i]) or _is_bare_photo_credit(flats[i]):
            kinds[i] = "chrome"


def _mark_link_lists(flats: list[str], kinds: list[str | None]) -> None:
    """The headline lines under a related-news heading, up to the next paragraph, and the
    neighbour's title after a previous/next link. Only below some article prose: above it,
    a widget heading ("Related Posts") is followed by the article's own headline."""
    first_prose = next((j for j in _live(flats, kinds) if _is_prose(flats[j])), len(flats))
    headings = [i for i, kind in enumerate(kinds) if kind in ("related", "nav") and i > first_prose]
    for i in headings:
        for j in _live(flats, kinds, i + 1):
            if _is_prose(flats[j]) or _word_count(flats[j]) > _HEADLINE_MAX_WORDS:
                break
            kinds[j] = kinds[i]
            if kinds[i] == "nav":
                break


def _cut_tail(flats: list[str], kinds: list[str | None]) -> None:
    """Cut from the first end-of-article marker that only page furniture follows.

    Article prose is measured in characters of the prose lines no rule has claimed; the
    prose allowed after a marker is its `END_MARKER_SLACK` share of the prose before it.
    A marker with no prose before it (a widget above the headline) never cuts.
    """
    weights = [
        len(f) if f and k is None and _is_prose(f) else 0 for f, k in zip(flats, kinds, strict=True)
    ]
    total = sum(weights)
    before = 0
    for i, kind in enumerate(kinds):
        before += weights[i]
        if kind not in END_MARKER_SLACK or before == 0:
            continue
        if total - before <= END_MARKER_SLACK[kind] * before:
            for j in range(i, len(kinds)):
                if flats[j]:
                    kinds[j] = kinds[j] or "tail"
            return


def _assemble(lines: list[str], kinds: list[str | None]) -> list[str]:
    """Kept lines in order; one blank line at most between them, none at the edges."""
    kept: list[str] = []
    for line, kind in zip(lines, kinds, strict=True):
        if kind is not None:
            continue
        if not line and (not kept or not kept[-1]):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept
