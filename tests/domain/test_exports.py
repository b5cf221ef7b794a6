"""Exports: a build writes one chunk per transaction and resumes after the last one committed; a download needs a
DONE, unexpired export; download links are signed and expire."""
import csv
import io
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.contacts.models import Contact, ContactList, ListMember
from domain.db import create_engine, session_factory, utcnow
from domain.errors import InvalidTransition
from domain.exports import builder, links, service
from domain.exports.models import Export, ExportChunk, ExportKind, ExportStatus
from domain.tenants import service as tenants
from tests.support.environment import DATABASE_URL


@pytest.fixture
async def sessions(migrated):
    engine = create_engine(DATABASE_URL)
    yield session_factory(engine)
    await engine.dispose()


async def _list_with_members(sessions, count: int) -> Export:
    """A pending contacts export of a list of `count` members (written directly: no job, no worker races this test)."""
    async with sessions() as session:
        tenant = await tenants.create(session, slug=f"x-{secrets.token_hex(3)}", name="X")
        contact_list = ContactList(tenant_id=tenant.id, name="Readers")
        contacts = [Contact(tenant_id=tenant.id, email=f"r{i}@example.com", attributes={"plan": f"p{i}"}) for i in range(count)]
        session.add_all([contact_list, *contacts])
        await session.flush()
        session.add_all([ListMember(tenant_id=tenant.id, list_id=contact_list.id, contact_id=c.id) for c in contacts])
        export = Export(tenant_id=tenant.id, kind=ExportKind.CONTACTS, list_id=contact_list.id, parameters={"attributes": ["plan"]},
                        total_rows=count, expires_at=utcnow() + service.EXPIRY)
        session.add(export)
        await session.commit()
        return export


async def _file(sessions, export_id: int) -> list[dict]:
    async with sessions() as session:
        export = await service.get(session, export_id=export_id)
        data = b"".join([chunk async for chunk in builder.chunks(session, export)])
    return list(csv.DictReader(io.StringIO(data.decode())))


async def test_a_build_resumes_after_its_last_committed_chunk_and_a_rerun_adds_nothing(sessions, monkeypatch):
    monkeypatch.setattr(builder, "CHUNK_ROWS", 2)
    export = await _list_with_members(sessions, 5)

    steps = []
    for _ in range(4):  # a fresh session each time, as after a worker restart
        async with sessions() as session:
            steps.append(await builder.build_next_chunk(session, export_id=export.id))
            row = await service.get(session, export_id=export.id)
            steps.append((row.status, service.progress(row)))

    assert steps == [True, (ExportStatus.RUNNING, 40), True, (ExportStatus.RUNNING, 80), False, (ExportStatus.DONE, 100),
                     False, (ExportStatus.DONE, 100)]
    rows = await _file(sessions, export.id)
    assert [(r["email"], r["plan"], r["status"]) for r in rows] == [(f"r{i}@example.com", f"p{i}", "SUBSCRIBED") for i in range(5)]
    async with sessions() as session:
        seqs = (await session.execute(select(ExportChunk.seq).where(ExportChunk.export_id == export.id).order_by(ExportChunk.seq))).scalars().all()
    assert seqs == [0, 1, 2]


async def test_a_deleted_export_is_not_built(sessions):
    export = await _list_with_members(sessions, 1)
    async with sessions() as session:
        await service.delete(session, export_id=export.id)
        await session.commit()
    async with sessions() as session:
        assert await builder.build_next_chunk(session, export_id=export.id) is False


@pytest.mark.parametrize("status, expires_in, code", [
    (ExportStatus.PENDING, 60, "EXPORT_NOT_READY"), (ExportStatus.RUNNING, 60, "EXPORT_NOT_READY"),
    (ExportStatus.FAILED, 60, "EXPORT_NOT_BUILT"), (ExportStatus.DONE, -60, "EXPORT_NOT_AVAILABLE"),
])
def test_only_a_done_unexpired_export_downloads(status, expires_in, code):
    export = Export(id=1, status=status, total_rows=10, rows_written=5, expires_at=utcnow() + timedelta(seconds=expires_in))
    with pytest.raises(InvalidTransition) as raised:
        service.check_downloadable(export)
    assert raised.value.code == code
    done = Export(id=1, status=ExportStatus.DONE, expires_at=utcnow() + timedelta(seconds=60))
    assert service.check_downloadable(done) is done


def test_download_links_are_signed_and_expire():
    expires = utcnow() + timedelta(hours=1)
    token = links.make_token("secret", 42, expires)
    assert links.verify_token("secret", token) == 42
    assert links.verify_token("other secret", token) is None
    assert links.verify_token("secret", token.replace("42.", "43.", 1)) is None
    assert links.verify_token("secret", token, now=expires + timedelta(seconds=1)) is None
    assert links.verify_token("secret", "garbage") is None
    assert links.download_url("https://mail.example.com/", "secret", 42, expires) == f"https://mail.example.com/exports/{token}.csv"


async def test_expired_exports_are_purged_with_their_file(sessions):
    kept, expired = await _list_with_members(sessions, 1), await _list_with_members(sessions, 1)
    async with sessions() as session:
        for export in (kept, expired):
            assert await builder.build_next_chunk(session, export_id=export.id) is False
        row = await service.get(session, export_id=expired.id)
        row.expires_at = utcnow() - timedelta(seconds=1)
        await session.commit()

        await service.purge_expired(session)

        remaining = set((await session.execute(select(Export.id).where(Export.id.in_([kept.id, expired.id])))).scalars())
        chunks = set((await session.execute(select(ExportChunk.export_id).where(ExportChunk.export_id.in_([kept.id, expired.id])))).scalars())
    assert remaining == chunks == {kept.id}
