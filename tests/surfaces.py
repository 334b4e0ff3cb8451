"""Every place a figure is shown, read back as plain text, so that one test can hold all of them to a rule.

Pages are their HTML; CSV files their text; XLSX files their cells, one per line, numbers with two decimals
("57.14", "37.50"); DOCX files their paragraphs and table cells, one per line.
"""

import io
from urllib.parse import urlsplit
from zipfile import ZipFile

from django.urls import resolve, reverse
from docx import Document
from openpyxl import load_workbook

from tests.addresses import programme_reverse


def text_of(response) -> str:
    content_type = response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(body))
        return "\n".join(
            f"{value:.2f}" if isinstance(value, float) else str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if "wordprocessingml" in content_type:
        assert ZipFile(io.BytesIO(body)).testzip() is None
        document = Document(io.BytesIO(body))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return body.decode("utf-8-sig")


def fetched(client, response):
    """The file a download's answer leads to: a download made in the background (reporting/downloads.py) is asked
    for as its page does, with a POST, made there by the tests' immediate task backend, and its file taken."""
    if response.status_code != 302 or resolve(urlsplit(response["Location"]).path).url_name != "download_start":
        return response
    started = client.post(response["Location"])
    assert started.status_code == 302, started.status_code
    made = resolve(urlsplit(started["Location"]).path)
    assert made.url_name == "download_status", made.url_name
    return client.get(reverse("download_file", kwargs=made.kwargs))


def get_text(client, user, url: str, **params) -> str:
    client.force_login(user)
    response = fetched(client, client.get(url, params))
    assert response.status_code == 200, url
    return text_of(response)


def district_surfaces(period, target, unit) -> dict[str, str]:
    """The pages and downloads of the district that have the switch "chỉ đã duyệt", for ``period``: the
    target's page for ``target``, the unit's page for ``unit``."""
    programme = period.programme
    return {
        "overview": programme_reverse("overview", programme=programme),
        "matrix": programme_reverse("matrix", programme=programme),
        "unit page": programme_reverse("unit_dashboard", args=[unit.code], programme=programme),
        "target page": programme_reverse("target_dashboard", args=[target.id], programme=programme),
        "overview.csv": programme_reverse("export_overview", args=["csv"], programme=programme),
        "overview.xlsx": programme_reverse("export_overview", args=["xlsx"], programme=programme),
        "matrix.csv": programme_reverse("export_matrix", args=["csv"], programme=programme),
        "matrix.xlsx": programme_reverse("export_matrix", args=["xlsx"], programme=programme),
        "values.csv": programme_reverse("export_values", args=["csv"], programme=programme),
        "values.xlsx": programme_reverse("export_values", args=["xlsx"], programme=programme),
        "official report": programme_reverse("official_report", args=[period.id], programme=programme),
    }
