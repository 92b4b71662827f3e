"""Fingerprint again the articles fingerprinted under an earlier scheme, and replace their
band keys.

Scheme v3 hashes a shingle from its words' crc32 (chained) instead of the crc32 of the
shingle's text, and keys a band by chaining its values instead of by blake2b: the same
MinHash and LSH, computed at once for an article's shingles and bands (an article's
fingerprint with its band keys 285 -> 218 µs). Keys of the earlier scheme would never meet
the keys of new articles, so a desk's stored fingerprints are brought to the current scheme
here, once, rather than waiting for `dedupe --rebuild`. Fingerprints are derived from the
body alone (`articles.dedupe.fingerprint`, pure code), so this runs whatever scheme is
current when it runs; a desk without articles does nothing.
"""

from django.db import migrations

from articles.dedupe import SCHEME, fingerprint

CHUNK = 500


def refingerprint(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    FingerprintBand = apps.get_model("articles", "FingerprintBand")
    outdated = (
        Article.objects.filter(fingerprint__isnull=False)
        .exclude(fingerprint_scheme=SCHEME)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(outdated)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        FingerprintBand.objects.filter(article_id__in=chunk).delete()
        bands = []
        for pk, body in Article.objects.filter(pk__in=chunk).values_list("pk", "body"):
            fp = fingerprint(body)
            Article.objects.filter(pk=pk).update(
                fingerprint=fp.to_bytes(), fingerprint_scheme=SCHEME
            )
            bands += [FingerprintBand(article_id=pk, key=key) for key in fp.band_keys]
        FingerprintBand.objects.bulk_create(bands, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_fingerprintband_key_article_primary_key")]

    operations = [migrations.RunPython(refingerprint, migrations.RunPython.noop)]
