"""Bodies of the transparency log's endpoints: the public key, signed tree heads, entries, proofs."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

INT_MAX = 2**31 - 1  # the tree's sizes and indexes are INTEGER columns: past this, no such entry or head

from service.transparency import MAX_ENTRIES, STATISTICS

HEX = {"description": "lower-case hex"}


class PublicKeySchema(Schema):
    algorithm = fields.String(metadata={"description": "Ed25519"})
    log_id = fields.String(metadata={"description": "SHA-256 of the public key (DER SubjectPublicKeyInfo), hex"})
    public_key = fields.String(metadata={"description": "the raw 32-byte Ed25519 public key, hex"})
    public_key_pem = fields.String()
    hash = fields.String()
    tree = fields.String()


class HeadSchema(Schema):
    tree_size = fields.Integer(metadata={"description": "how many entries the tree holds"})
    root_hash = fields.String(metadata=HEX)
    timestamp = fields.String(metadata={"description": "when it was signed (China time, ISO 8601)"})
    signature = fields.String(metadata={"description": "Ed25519 signature of `signed`, hex"})
    log_id = fields.String()
    fingerprint = fields.String(metadata={"description": "what the board shows: size and the root's first 16 hex digits"})
    signed = fields.String(metadata={"description": "the exact bytes signed: canonical JSON of log, root_hash, "
                                                    "timestamp and tree_size"})


class HeadListSchema(Schema):
    heads = fields.List(fields.Nested(HeadSchema))
    log_id = fields.String()


class HeadsQuerySchema(Schema):
    since = fields.Integer(load_default=0, validate=validate.Range(min=0, max=INT_MAX),
                           metadata={"description": "only heads larger than this tree size"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_ENTRIES))


class EntriesQuerySchema(Schema):
    start = fields.Integer(load_default=1, validate=validate.Range(min=1, max=INT_MAX))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_ENTRIES))


class EntryQuerySchema(Schema):
    tree_size = fields.Integer(load_default=None, validate=validate.Range(min=1, max=INT_MAX),
                               metadata={"description": "prove inclusion in this head (default: the latest)"})


class EntrySchema(Schema):
    index = fields.Integer(metadata={"description": "1 is the first entry (RFC 9162 leaf index + 1)"})
    entry = fields.String(metadata={"description": "the entry, canonical JSON: exactly the bytes hashed"})
    leaf_hash = fields.String(metadata={"description": "SHA-256(0x00 || entry), hex"})
    content = fields.Dict(metadata={"description": "the same entry, parsed"})


class EntryListSchema(Schema):
    entries = fields.List(fields.Nested(EntrySchema))
    size = fields.Integer()


class InclusionProofSchema(Schema):
    leaf_index = fields.Integer(metadata={"description": "0-based, as in RFC 9162"})
    tree_size = fields.Integer()
    audit_path = fields.List(fields.String(), metadata={"description": "sibling hashes from the leaf up, hex"})


class ProvenEntrySchema(EntrySchema):
    head = fields.Nested(HeadSchema)
    proof = fields.Nested(InclusionProofSchema)


class ConsistencyQuerySchema(Schema):
    first = fields.Integer(required=True, validate=validate.Range(min=1, max=INT_MAX))
    second = fields.Integer(required=True, validate=validate.Range(min=1, max=INT_MAX))


class ConsistencyProofSchema(Schema):
    first = fields.Integer()
    second = fields.Integer()
    consistency_path = fields.List(fields.String(), metadata={"description": "RFC 9162 consistency proof, hex"})


class FigureQuerySchema(Schema):
    month = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"),
                          metadata={"description": "YYYY-MM"})
    figure = fields.String(required=True, validate=validate.OneOf(STATISTICS))


class FigureEntriesSchema(Schema):
    community = fields.String()
    month = fields.String()
    figure = fields.String()
    count = fields.Integer()
    entries = fields.List(fields.Nested(EntrySchema))
