"""A stand-in virus scanner for the tests: refuses the EICAR test string, as real scanners do."""


def refuse_eicar(upload):
    upload.seek(0)
    if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in upload.read():
        return "The selected file contains a virus"
    return None
