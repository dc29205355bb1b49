"""twin.files: atomic writes keep symlinks, refuse read-only files, leave no temp files."""
import os
import stat

import pytest

from twin.files import ReadOnlyError, write_text_atomic


def test_a_new_file_is_written_with_the_usual_mode_and_no_temp_left(tmp_path):
    path = tmp_path / "out.json"
    write_text_atomic(path, "{}\n")
    assert path.read_text() == "{}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(os.listdir(tmp_path)) == ["out.json"]


def test_replacing_keeps_the_old_mode_and_optionally_a_backup(tmp_path):
    path = tmp_path / "hall.yaml"
    path.write_text("old\n")
    path.chmod(0o600)
    write_text_atomic(path, "new\n", backup=True)
    assert path.read_text() == "new\n"
    assert (tmp_path / "hall.yaml.bak").read_text() == "old\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_writing_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "hall.yaml"
    target.write_text("old\n")
    link = tmp_path / "hall.yaml"
    link.symlink_to(os.path.relpath(target, tmp_path))
    returned = write_text_atomic(link, "new\n", backup=True)
    assert returned == link
    assert link.is_symlink() and os.readlink(link) == os.path.relpath(target, tmp_path)
    assert target.read_text() == "new\n"
    assert (real_dir / "hall.yaml.bak").read_text() == "old\n"     # next to the target
    assert sorted(os.listdir(real_dir)) == ["hall.yaml", "hall.yaml.bak"]
    assert sorted(os.listdir(tmp_path)) == ["hall.yaml", "real"]


def test_a_chain_of_links_and_a_dangling_link_reach_the_final_file(tmp_path):
    final = tmp_path / "final.json"
    (tmp_path / "b.json").symlink_to(final)          # dangling until written
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    write_text_atomic(tmp_path / "a.json", "1\n")
    assert final.read_text() == "1\n" and not final.is_symlink()
    assert (tmp_path / "a.json").is_symlink() and (tmp_path / "b.json").is_symlink()


def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "hall.yaml"
    path.write_text("mine\n")
    path.chmod(0o444)
    with pytest.raises(ReadOnlyError) as caught:
        write_text_atomic(path, "theirs\n", backup=True)
    assert isinstance(caught.value, PermissionError)
    assert caught.value.filename == str(path)
    assert "read-only" in caught.value.strerror
    assert path.read_text() == "mine\n"
    assert sorted(os.listdir(tmp_path)) == ["hall.yaml"]           # no .bak, no temp


def test_a_read_only_target_behind_a_symlink_is_refused(tmp_path):
    target = tmp_path / "target.csv"
    target.write_text("keep\n")
    target.chmod(0o444)
    (tmp_path / "link.csv").symlink_to(target)
    with pytest.raises(ReadOnlyError):
        write_text_atomic(tmp_path / "link.csv", "x\n")
    assert target.read_text() == "keep\n"


def test_a_folder_in_the_way_is_an_error_not_replaced(tmp_path):
    (tmp_path / "out.json").mkdir()
    with pytest.raises(IsADirectoryError):
        write_text_atomic(tmp_path / "out.json", "{}\n")
    assert (tmp_path / "out.json").is_dir()
