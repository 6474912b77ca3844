"""Private files in an S3-compatible bucket, spoken to over the real S3 protocol.

moto's server mode answers on 127.0.0.1 as a bucket would: these tests set the private storage
to django-storages' S3 backend pointing there, as a site on several hosts sets it
(AWS_STORAGE_BUCKET_NAME, config/settings.py), and follow a nominator's upload, a shortlist pack
and the end of retention through it.
"""

import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from judging.models import ShortlistPack
from nominations.models import Answer, Nomination
from plaudit.storage import private_files, save_private
from privacy.retention import anonymise_programme
from results.shortlist import pack_build
from tests.factories import NOMINATION_IDENTITY, SMALLEST_PDF, kindness_award

REGION = "eu-west-2"


@pytest.fixture(scope="session")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    """A new, private bucket as the private storage; this host's MEDIA_ROOT empty, to see nothing lands there."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "plaudit-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "plaudit-test")
    name = f"plaudit-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
            },
        },
    }
    client.keys = lambda: sorted(o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", []))
    client.name = name
    client.endpoint = s3_endpoint
    return client


def test_the_storage_follows_the_settings(bucket):
    name = save_private("probe.txt", b"hello")
    assert bucket.keys() == [name]
    assert bucket.get_object(Bucket=bucket.name, Key=name)["Body"].read() == b"hello"


@pytest.mark.django_db(transaction=True)
def test_an_upload_lands_in_the_bucket_and_is_served_only_through_the_checked_view(client, bucket, tmp_path):
    award = kindness_award()
    client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "ada@example.org"})
    nomination = Nomination.objects.latest("pk")
    upload = SimpleUploadedFile("report.pdf", SMALLEST_PDF, content_type="application/pdf")
    edit = reverse("nominations:edit", args=[nomination.reference])
    client.post(edit, {**NOMINATION_IDENTITY, "q-evidence": upload, "save": "1"})

    answer = Answer.objects.get(question__key="evidence")
    assert answer.draft_file.name and bucket.keys() == [answer.draft_file.name]
    assert not any(tmp_path.iterdir()), "nothing lands on this host's disk"

    url = reverse("nominations:file", args=[nomination.reference, "evidence"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == SMALLEST_PDF
    assert Client().get(url).status_code == 404
    # The object itself is private: the bucket refuses anyone without the keys.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{bucket.endpoint}/{bucket.name}/{answer.draft_file.name}")
    assert refused.value.code == 403


def test_two_files_of_one_name_never_overwrite_each_other(bucket):
    first, second = save_private("answers/report.pdf", b"one"), save_private("answers/report.pdf", b"two")
    assert first != second and bucket.keys() == sorted([first, second])
    assert [private_files.open(n).read() for n in (first, second)] == [b"one", b"two"]


def test_a_pack_is_built_into_the_bucket_downloaded_from_it_and_removed_with_the_programme(client, scored, bucket):
    stage, chidi = scored.stage, scored.people["chidi"]
    pack = ShortlistPack.objects.create(stage=stage, requested_by=scored.people["root"])
    pack_build(pack.pk)
    pack.refresh_from_db()
    assert pack.status == "done" and bucket.keys() == [pack.pdf.name]

    client.force_login(chidi)
    response = client.get(reverse("judging:shortlist_download", args=[stage.pk, pack.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]

    anonymise_programme(stage.award.programme)
    pack.refresh_from_db()
    assert (pack.pdf.name, pack.status) == ("", "failed") and bucket.keys() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["this host's disk", "the bucket"])
def test_a_file_lost_from_the_storage_is_a_not_found_page_and_an_error_in_the_log(
    client, request, settings, tmp_path, caplog, where
):
    # What a site on several hosts with only local disks would meet: the file is on another host.
    if where == "the bucket":
        request.getfixturevalue("bucket")
    else:
        settings.MEDIA_ROOT = tmp_path
    award = kindness_award()
    client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "ada@example.org"})
    nomination = Nomination.objects.latest("pk")
    upload = SimpleUploadedFile("report.pdf", SMALLEST_PDF, content_type="application/pdf")
    client.post(
        reverse("nominations:edit", args=[nomination.reference]),
        {**NOMINATION_IDENTITY, "q-evidence": upload, "save": "1"},
    )
    answer = Answer.objects.get(question__key="evidence")
    private_files.delete(answer.draft_file.name)

    response = client.get(reverse("nominations:file", args=[nomination.reference, "evidence"]))
    assert response.status_code == 404
    assert any(r.levelname == "ERROR" and answer.draft_file.name in r.getMessage() for r in caplog.records), (
        "the operators hear of it"
    )
