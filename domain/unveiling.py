"""Article 7: the award for lead units of winning national 揭榜挂帅 AI tasks."""

from __future__ import annotations

TASK_LISTS = {
    "ai_innovation": ("国家人工智能创新任务揭榜挂帅", "National AI innovation tasks"),
    "ai_medical_device": ("人工智能医疗器械创新任务揭榜挂帅", "AI medical device innovation tasks"),
    "future_industry_agi": (
        "未来产业创新任务揭榜挂帅(通用人工智能方向)",
        "Future industry innovation tasks (general AI)",
    ),
}
