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


# -- folders ----------------------------------------------------------------------

def fill_with(files: dict):
    def fill(work):
        for name, text in files.items():
            (work / name).write_text(text)
        return list(files)
    return fill


def test_a_folder_is_renamed_into_place_whole(tmp_path):
    from twin.files import write_folder_atomic
    written = write_folder_atomic(tmp_path / "rep", fill_with({"a.csv": "1\n", "b.csv": "2\n"}))
    assert written == ["a.csv", "b.csv"]
    assert sorted(os.listdir(tmp_path / "rep")) == ["a.csv", "b.csv"]
    assert os.listdir(tmp_path) == ["rep"]


def test_a_non_empty_folder_is_refused_before_anything_is_written(tmp_path):
    from twin.files import FolderNotEmptyError, write_folder_atomic
    (tmp_path / "rep").mkdir()
    (tmp_path / "rep" / "a.csv").write_text("old\n")
    calls = []
    with pytest.raises(FolderNotEmptyError):
        write_folder_atomic(tmp_path / "rep", lambda work: calls.append(work) or [])
    assert calls == [] and (tmp_path / "rep" / "a.csv").read_text() == "old\n"


def test_a_failed_swap_puts_every_old_file_back(tmp_path, monkeypatch):
    from twin import files
    rep = tmp_path / "rep"
    rep.mkdir()
    for name in ("a.csv", "b.csv", "keep.txt"):
        (rep / name).write_text(f"old {name}\n")
    real_replace, placed = os.replace, []

    def replace_failing_on_the_second_placement(src, dst):
        if str(src).endswith(".tmp/b.csv"):
            raise OSError(5, "Input/output error")
        placed.append((str(src), str(dst)))
        return real_replace(src, dst)
    monkeypatch.setattr(files.os, "replace", replace_failing_on_the_second_placement)
    with pytest.raises(OSError, match="Input/output"):
        files.write_folder_atomic(rep, fill_with({"a.csv": "new\n", "b.csv": "new\n"}),
                                  replace=True, owned=("a.csv", "b.csv", "c.csv"))
    assert any(s.endswith(".tmp/a.csv") and d == str(rep / "a.csv") for s, d in placed)
    assert {p.name: p.read_text() for p in rep.iterdir()} == {
        "a.csv": "old a.csv\n", "b.csv": "old b.csv\n", "keep.txt": "old keep.txt\n"}
    assert os.listdir(tmp_path) == ["rep"]


def test_writing_a_folder_through_a_symlink_keeps_the_link(tmp_path):
    from twin.files import write_folder_atomic
    (tmp_path / "real").mkdir()
    (tmp_path / "out").symlink_to("real")
    write_folder_atomic(tmp_path / "out", fill_with({"a.csv": "1\n"}))
    assert (tmp_path / "out").is_symlink()
    assert os.listdir(tmp_path / "real") == ["a.csv"]
