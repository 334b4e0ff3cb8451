"""Plausible Vietnamese texts for the try-out's reports: what a commune, a body or the armed forces would write on
each task group of the programme and in the closing texts, varied by unit and period from one random
generator, so that the Ban's report page has real material beside each group. Used only by ``demo_reports``."""

import random

from programme.formatting import vn_number

# Sentences per task group number, each a format string; {unit} is the unit's name, {period} the period in
# running text ("quý I năm 2024"); the other fields are drawn numbers.
GROUP_SENTENCES = {
    1: [
        "Trong {period}, {unit} đã quán triệt Chương trình công tác dân vận năm {year} đến {a} chi bộ với {b} lượt "
        "cán bộ, đảng viên tham gia; ban hành kế hoạch thực hiện và phân công cấp ủy viên phụ trách từng thôn, bản.",
        "Duy trì giao ban định kỳ giữa thường trực cấp ủy với Mặt trận và các đoàn thể ({c} cuộc); qua đó nắm tình "
        "hình Nhân dân, chỉ đạo giải quyết {d} kiến nghị ngay từ cơ sở.",
        "Tổ chức tuyên truyền Nghị quyết về xóa bỏ hủ tục, xây dựng nếp sống văn minh tại {a} thôn, bản với {e} "
        "lượt người tham gia; tình hình tôn giáo, tín ngưỡng ổn định, không có điểm nóng.",
        "Cấp ủy chỉ đạo thực hiện tốt Quy chế dân chủ ở cơ sở; tổ chức {c} hội nghị đối thoại giữa người đứng đầu "
        "cấp ủy với Nhân dân, tiếp thu {d} ý kiến đóng góp.",
    ],
    2: [
        "Chính quyền đã tiếp {b} lượt công dân, tổ chức {c} buổi đối thoại trực tiếp với Nhân dân; tiếp nhận và "
        "giải quyết {d} đơn thư, kiến nghị, đạt {p}%.",
        "Thực hiện công khai, minh bạch thủ tục hành chính; {e} hồ sơ được giải quyết đúng hạn, không để xảy ra "
        "tình trạng nhũng nhiễu, gây phiền hà cho Nhân dân.",
        "Cán bộ, công chức thực hiện nghiêm quy tắc ứng xử, văn hóa công sở; {a} lượt cán bộ được tập huấn kỹ "
        "năng dân vận trong thực thi công vụ.",
        "Phối hợp với cấp ủy, chính quyền cơ sở tổ chức {c} đợt tuyên truyền pháp luật, giúp Nhân dân {e} ngày "
        "công sửa đường, làm nhà; xây dựng hình ảnh cán bộ, chiến sỹ thân thiện, gần dân.",
    ],
    3: [
        "Mặt trận và các đoàn thể kết nạp mới {b} đoàn viên, hội viên; tổ chức {c} buổi sinh hoạt chuyên đề gắn "
        "với nhiệm vụ phát triển kinh tế - xã hội của địa phương.",
        "Vận động ủng hộ Quỹ Vì người nghèo được {m} triệu đồng; hỗ trợ xây dựng, sửa chữa {a} nhà Đại đoàn kết "
        "cho hộ nghèo.",
        "Thực hiện giám sát và phản biện xã hội {c} cuộc; phối hợp với chính quyền giải quyết {d} ý kiến, kiến "
        "nghị của đoàn viên, hội viên và Nhân dân.",
        "Củng cố, kiện toàn Ban Thanh tra nhân dân, Ban Giám sát đầu tư của cộng đồng ở {a} thôn, bản; {front}.",
    ],
    4: [
        "Phong trào “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh” được hưởng ứng rộng rãi: Nhân dân "
        "hiến {e} m² đất, đóng góp {b} ngày công làm đường giao thông nông thôn.",
        "Xây dựng và duy trì mô hình “Dân vận khéo” trong phát triển kinh tế, bảo vệ rừng; {a} hộ được hỗ trợ "
        "giống cây trồng, vật nuôi, thu nhập bình quân tăng so với cùng kỳ.",
        "Các phong trào “Nông dân thi đua sản xuất kinh doanh giỏi”, “Phụ nữ tích cực học tập, lao động sáng tạo” "
        "được triển khai sâu rộng; {c} tập thể, {d} cá nhân được biểu dương, khen thưởng.",
        "Hưởng ứng cuộc vận động “Người Việt Nam ưu tiên dùng hàng Việt Nam”; tổ chức các hoạt động chào mừng "
        "{celebration} với {e} lượt người tham gia.",
    ],
}
SHORTCOMINGS = [
    "Một số chi bộ thôn, bản chưa thường xuyên nắm tình hình Nhân dân; việc tuyên truyền xóa bỏ hủ tục ở vùng sâu "
    "còn hạn chế. Nguyên nhân: địa bàn rộng, giao thông khó khăn, cán bộ kiêm nhiệm nhiều việc.",
    "Báo cáo của một số thôn, bản còn chậm, số liệu chưa đầy đủ; chất lượng sinh hoạt của một số chi hội chưa cao. "
    "Nguyên nhân: trình độ cán bộ cơ sở không đồng đều.",
    "Việc xây dựng mô hình “Dân vận khéo” còn chậm, chưa có mô hình tiêu biểu để nhân rộng. Nguyên nhân: kinh "
    "phí hỗ trợ còn ít, một bộ phận Nhân dân còn trông chờ, ỷ lại.",
]
NEXT_STEPS = [
    "Tiếp tục quán triệt, triển khai thực hiện Chương trình công tác dân vận; tập trung tuyên truyền xóa bỏ hủ tục "
    "và xây dựng, nhân rộng các mô hình “Dân vận khéo” trong {next}.",
    "Nâng cao chất lượng tiếp công dân, đối thoại với Nhân dân; giải quyết dứt điểm các kiến nghị tồn đọng; đôn "
    "đốc các thôn, bản báo cáo đúng hạn.",
    "Tăng cường phối hợp giữa chính quyền với Mặt trận và các đoàn thể; chuẩn bị tốt các điều kiện tổ chức đại "
    "hội và sơ kết, tổng kết theo kế hoạch.",
]
PROPOSALS = [
    "Đề nghị {superior} tổ chức tập huấn nghiệp vụ công tác dân vận cho cán bộ cơ sở.",
    "Đề nghị cấp trên quan tâm hỗ trợ kinh phí xây dựng mô hình “Dân vận khéo” tại các thôn, bản đặc biệt khó khăn.",
    "Đơn vị không có kiến nghị thêm.",
]


def _numbers(rng: random.Random) -> dict:
    """The figures a text quotes, written as Vietnamese offices write them ("1.505")."""
    drawn = {
        "a": rng.randint(3, 18),
        "b": rng.randint(40, 420),
        "c": rng.randint(2, 12),
        "d": rng.randint(1, 25),
        "e": rng.randint(150, 2_500),
        "m": rng.randint(5, 120),
        "p": rng.choice([92, 95, 97, 100]),
    }
    return {name: vn_number(value) for name, value in drawn.items()}


def occasions(year: int) -> dict[str, str]:
    """What the texts of a year's reports mention besides figures: the 2024 district's events, or for a year after
    the 2025 reform what any commune would write."""
    if year == 2024:
        return {
            "year": "2024",
            "front": "chuẩn bị chu đáo nội dung đại hội Mặt trận nhiệm kỳ 2024-2029",
            "celebration": "kỷ niệm 70 năm ngày giải phóng huyện Phong Thổ",
            "superior": "Ban Dân vận Huyện ủy",
        }
    return {
        "year": str(year),
        "front": "ổn định tổ chức, hoạt động của Mặt trận và các đoàn thể sau sắp xếp đơn vị hành chính",
        "celebration": "Ngày hội Đại đoàn kết toàn dân tộc (18/11)",
        "superior": "cấp trên",
    }


def group_text(rng: random.Random, number: int, *, unit: str, period: str, year: int) -> str:
    """Two or three sentences on the task group, as the unit would write them."""
    sentences = rng.sample(GROUP_SENTENCES.get(number, GROUP_SENTENCES[4]), k=rng.randint(2, 3))
    return " ".join(s.format(unit=unit, period=period, **occasions(year), **_numbers(rng)) for s in sentences)


def closing_texts(rng: random.Random, *, outlook: str, year: int) -> dict[str, str]:
    """Shortcomings, next steps and proposals."""
    later = outlook or "thời gian tới"
    return {
        "shortcomings": rng.choice(SHORTCOMINGS),
        "next_steps": " ".join(s.format(next=later) for s in rng.sample(NEXT_STEPS, k=2)),
        "proposals": rng.choice(PROPOSALS).format(**occasions(year)),
    }
