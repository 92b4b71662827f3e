"""`manage.py export_claims --format csv|jsonl|claimreview|annotation [--output FILE]`:
claims with their appearances, streamed, for another desk, a spreadsheet, schema.org
ClaimReview markup or W3C Web Annotation clients. Filters narrow the claims; archived
claims are left out unless `--include-archived` (or `--status archived`) asks for them.

Parses the arguments, resolves the source and tag named, and writes what
`articles.exports.claim_export` renders; it changes nothing in the database. A file is
written beside its final name and moved into place at the end, so a failed export never
leaves a half-written file over a previous one.

Exit status: 0 on success, 1 when the output cannot be written, 2 on bad usage (an
unknown option value, source or tag).
"""

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.exports import CLAIM_FORMATS, claim_rows, claims_to_export, render_claims
from articles.filters import resolve_source
from articles.models import ClaimStatus, ClaimType, Credibility, Tag


class Command(BaseCommand):
    help = (
        "Export claims and their appearances as CSV, JSONL, schema.org ClaimReview (JSON) "
        "or a W3C Web Annotation collection (JSON-LD), streamed; archived claims are left "
        "out unless asked for."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", choices=list(CLAIM_FORMATS), required=True)
        parser.add_argument(
            "--output", "-o", default="-", metavar="FILE", help="File to write (default stdout)."
        )
        parser.add_argument("--status", choices=ClaimStatus.values, help="Only this status.")
        parser.add_argument(
            "--credibility",
            type=int,
            action="append",
            choices=Credibility.values,
            metavar="N",
            help="Only this credibility grade, 1 to 6; repeat for several.",
        )
        parser.add_argument("--claim-type", choices=ClaimType.values, help="Only this type.")
        parser.add_argument(
            "--tag", metavar="NAME", help="Only claims with this tag (any case, e.g. place:Kursk)."
        )
        parser.add_argument(
            "--source",
            metavar="NAME",
            help="Only claims appearing in this source's articles (name, alias or id).",
        )
        parser.add_argument(
            "--include-archived", action="store_true", help="Also export archived claims."
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="Put before claim page paths in ClaimReview urls and annotation ids, "
            "e.g. https://desk.example (default: site-relative paths).",
        )

    def handle(self, *args, fmt, output, **options):
        started = time.monotonic()
        source = tag = None
        if options["source"]:
            source = resolve_source(options["source"])
            if source is None:
                raise CommandError(
                    f"--source {options['source']!r}: no source has that name, alias or id",
                    returncode=2,
                )
        if options["tag"]:
            tag = Tag.objects.filter(name__iexact=Tag.normalise(options["tag"])).first()
            if tag is None:
                raise CommandError(f"--tag {options['tag']!r}: no such tag", returncode=2)
        claims = claims_to_export(
            status=options["status"],
            credibility=options["credibility"] or (),
            claim_type=options["claim_type"],
            tag=tag,
            source=source,
            include_archived=options["include_archived"],
        )
        count = 0

        def counted(rows):
            nonlocal count
            for row in rows:
                count += 1
                yield row

        chunks = render_claims(
            counted(claim_rows(claims, links=fmt == "jsonl")), fmt, base_url=options["base_url"]
        )
        if output == "-":
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
        else:
            _write_file(Path(output), chunks)
        self.stderr.write(f"exported {count} claims ({fmt}) in {time.monotonic() - started:.1f} s")


def _write_file(path: Path, chunks) -> None:
    """Write `chunks` to a new file beside `path`, then move it onto `path`."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(partial, "x", encoding="utf-8", newline="") as stream:
            stream.writelines(chunks)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CommandError(f"{path}: cannot write: {error.strerror}") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
