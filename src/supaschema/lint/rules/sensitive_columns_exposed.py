"""0023 sensitive_columns_exposed: credentials or personal data in a table the API reads without RLS."""

from ...catalog import snapshot as snap
from ..model import ERROR, SECURITY, Rule, label, relation_hit, table_anchor

# splinter's list of column names.
SENSITIVE = frozenset("""
password passwd pwd passphrase secret secret_key private_key api_key apikey auth_key token jwt access_token
refresh_token oauth_token session_token bearer_token auth_code session_id session_key session_secret recovery_code
backup_code verification_code otp two_factor 2fa_secret 2fa_code ssn social_security social_security_number
driver_license drivers_license license_number passport_number passport_id national_id tax_id credit_card card_number
cvv cvc cvn bank_account account_number routing_number iban swift_code bic health_record medical_record patient_id
insurance_number health_insurance medical_insurance treatment mac_address macaddr imei device_uuid pgp_key gpg_key
ssh_key certificate license_key activation_key facial_recognition
""".split())


def check(ctx):
    for table in ctx.all(snap.Table):
        if not ctx.open_to_api(table):
            continue
        columns = sorted(c.name for c in ctx.children(snap.Column, table) if c.name.lower().replace("-", "_") in SENSITIVE)
        if columns:
            yield relation_hit("sensitive_columns_exposed", table,
                               f"Table `{label(table.schema, table.name)}` is exposed via API without RLS and contains "
                               f"potentially sensitive column(s): {', '.join(columns)}. This may lead to data exposure.",
                               table_anchor(table.schema, table.name, "columns", columns[0]), sensitive_columns=columns)


RULE = Rule(
    name="sensitive_columns_exposed", title="Sensitive Columns Exposed", level=ERROR, categories=(SECURITY,),
    description="Columns named like credentials or personal data are readable by anyone with the anon key when the "
                "table has no RLS.",
    fix="ENABLE ROW LEVEL SECURITY with policies, or REVOKE SELECT from anon and authenticated, or move the columns out.",
    fix_yaml="Set `rls: {enabled: true}` with `policies:`, or drop anon/authenticated from the table's `grants:`.",
    check=check, reference="0023_sensitive_columns_exposed")
