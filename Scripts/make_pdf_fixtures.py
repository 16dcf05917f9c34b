#!/usr/bin/env python3
"""Makes the encrypted PDF fixtures of Tests/FolioPDFTests/Fixtures (FolioPDF's security handler tests).

Needs pikepdf (qpdf), outside the repository's requirements:

    python3 -m venv /tmp/pdfvenv && /tmp/pdfvenv/bin/pip install pikepdf
    /tmp/pdfvenv/bin/python Scripts/make_pdf_fixtures.py

Every fixture holds one page whose content stream shows "Hello, encrypted world" and an /Info
/Title "Folio fixture"; the tests decrypt both. qpdf picks a random /ID and AES IVs, so the bytes
change from run to run while what the tests check does not.
"""
import pathlib
import warnings

import pikepdf

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FolioPDFTests" / "Fixtures"
CONTENT = b"BT /F1 12 Tf 72 720 Td (Hello, encrypted world) Tj ET\n"


def document() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(CONTENT)))
    pdf.pages.append(page)
    pdf.docinfo["/Title"] = "Folio fixture"
    return pdf


CASES = {
    # R2: RC4 with a 40-bit key (V1). Before R4 metadata is always encrypted: pikepdf wants metadata=False.
    "encrypted-rc4-40.pdf": dict(encryption=pikepdf.Encryption(owner="owner", user="", R=2, aes=False, metadata=False)),
    # R3: RC4 with a 128-bit key (V2).
    "encrypted-rc4-128.pdf": dict(encryption=pikepdf.Encryption(owner="owner", user="", R=3, aes=False, metadata=False)),
    # R4 with the /V2 (RC4) crypt filter.
    "encrypted-r4-rc4.pdf": dict(encryption=pikepdf.Encryption(owner="owner", user="", R=4, aes=False, metadata=False)),
    # R4 with /AESV2 (AES-128), metadata left in clear, objects in object streams.
    "encrypted-aes-128.pdf": dict(encryption=pikepdf.Encryption(owner="owner", user="", R=4, aes=True,
                                                                metadata=False),
                                  object_stream_mode=pikepdf.ObjectStreamMode.generate),
    # R6: AES-256 (/AESV3) with the hash of ISO 32000-2 algorithm 2.B, objects in object streams.
    "encrypted-aes-256.pdf": dict(encryption=pikepdf.Encryption(owner="owner", user="", R=6),
                                  object_stream_mode=pikepdf.ObjectStreamMode.generate),
    # R5: AES-256 with plain SHA-256 (Acrobat 9's deprecated revision, still met in the wild).
    "encrypted-aes-256-r5.pdf": dict(encryption=pikepdf.Encryption(owner="owner", user="", R=5)),
    # R6 with a user password: algorithm 2.B must reject the empty password.
    "encrypted-user-password-r6.pdf": dict(encryption=pikepdf.Encryption(owner="owner", user="secret", R=6)),
    # A user password: the file cannot be read without it.
    "encrypted-user-password.pdf": dict(encryption=pikepdf.Encryption(owner="owner", user="secret", R=4,
                                                                      aes=True)),
}


def main() -> None:
    warnings.simplefilter("ignore", UserWarning)  # "R=5 is deprecated": that is the point of the fixture
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, options in CASES.items():
        pdf = document()
        if name == "encrypted-aes-128.pdf":
            with pdf.open_metadata() as meta:
                meta["dc:title"] = "Folio fixture"
        pdf.save(FIXTURES / name, compress_streams=True, **options)
        print(name, (FIXTURES / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
