"""The words of the store's DatasetNotFoundError: where it looked, what was wrong, what to do."""

from __future__ import annotations

from pathlib import Path

from . import paths

__all__ = ["not_found_message"]


def _folder_state(folder: Path, spec, problems) -> str:
    """One folder's state in words: absent, files missing or present, or its problems."""
    if not folder.is_dir():
        return "folder does not exist"
    if problems is None:
        missing = [n for n in spec.files.values() if not (folder / n).is_file()]
        return f"missing {', '.join(missing)}" if missing else "files present"
    return "; ".join(f"{file}: {why}" for file, why in problems.items())


def not_found_message(spec, data_dir, why: str, report=None) -> str:
    """Where we looked, what was wrong there, why no download, and what to do."""
    report = report or {}
    lines = [f"{spec.title} not found: looked for {', '.join(spec.files.values())} in"]
    origins = paths.candidate_dirs(spec.name, data_dir)
    if data_dir is None and not any(o.startswith("$") for o, _ in origins):
        lines.append(f"  ${paths.ENV_VAR}: not set")
    for origin, folder in origins:
        state = _folder_state(folder, spec, report.get(folder))
        lines.append(f"  {origin}: {folder} ({state})")
    lines.append(f"Not downloaded: {why}")
    command = (
        "ml4phys data mnist"
        if spec.name == "mnist"
        else f"python -m ml4phys.common.store {spec.name}"
    )
    if data_dir is not None:
        lines.append(
            f"To provide the files: put the four files into {data_dir}, or "
            f"run `{command} {'--data-dir ' * (spec.name == 'mnist')}{data_dir}` "
            "while online."
        )
    else:
        lines.append(
            f"To provide the files: run `{command}` while online "
            f"(downloads into {paths.cache_dir(spec.name)}), or put the four files "
            f"into DIR/{spec.name}/ and set {paths.ENV_VAR}=DIR, or pass data_dir=."
        )
    return "\n".join(lines)
