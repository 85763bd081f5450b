#!/usr/bin/env python3
"""Deterministic generator of the bundled voxpop demo dataset (standard library only).

Writes, next to this file:
  mentions.jsonl  - what a social-listening export looks like (one JSON object per line, sorted by
                    created_at, UTF-8), followed by exactly 6 deliberately bad/odd records at the end.
  truth.jsonl     - ground truth, one line per mention id (lang, script, sentiment, aspects, brands,
                    storyline). The 5 broken records have no truth line; the 40,000-character record does.

Usage:  python sample/generate.py [--stats]

The market, brands, people and every sentence below are fictional and were written for this project.
Running the script twice gives byte-identical files (seeded with random.Random(2026), no network).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random

HERE = Path(__file__).resolve().parent
SEED = 2026
FIRST_DAY = date(2026, 9, 7)
LAST_DAY = date(2026, 11, 15)          # inclusive: 70 days
N_DAYS = (LAST_DAY - FIRST_DAY).days + 1

BRANDS = ("Narmart", "Tezbazar", "Lumo")
LANGS = ("az", "tr", "hy", "ru", "en")
ASPECTS = ("delivery", "price", "support", "quality", "website_app", "payment", "returns", "stock",
           "communication", "staff_store", "privacy", "marketing")

# ----------------------------------------------------------------------------------------------------
# Background chatter (all 70 days, all brands)
# ----------------------------------------------------------------------------------------------------
BACKGROUND_PER_DAY = 38.0                      # mean, before the weekly pattern and a slight upward trend
WEEKDAY_FACTOR = (1.02, 1.04, 1.03, 1.01, 0.97, 0.90, 0.93)   # Mon..Sun (mild weekly pattern)
LANG_WEIGHTS = {"az": 0.30, "tr": 0.25, "hy": 0.15, "ru": 0.15, "en": 0.15}
PLATFORM_WEIGHTS = {"x": 0.45, "reddit": 0.15, "instagram": 0.20, "facebook": 0.15, "review": 0.05}
# single-brand background split (the remaining ~5% are two-brand comparisons)
BRAND_WEIGHTS = {"Narmart": 0.45, "Tezbazar": 0.30, "Lumo": 0.20}
COMPARE_SHARE = 0.05
SENTIMENT_WEIGHTS = {"negative": 0.35, "neutral": 0.35, "positive": 0.30}
# which CX aspect a background complaint is about
NEG_ASPECT_WEIGHTS = {
    "delivery": 0.32, "price": 0.20, "support": 0.11, "quality": 0.09, "website_app": 0.065,
    "payment": 0.06, "returns": 0.055, "stock": 0.035, "communication": 0.035, "staff_store": 0.025,
    "privacy": 0.015, "marketing": 0.015,
}
# UTC hour weights: the home markets are UTC+3/UTC+4, so the local evening peak is ~16-19 UTC.
HOUR_WEIGHTS = (1.6, 1.0, 0.6, 0.5, 0.8, 1.5, 2.5, 3.4, 4.0, 4.4, 4.5, 4.6, 4.7, 4.6, 4.6, 5.0, 5.6, 6.1,
                6.2, 5.8, 4.9, 3.8, 2.8, 2.1)

# ----------------------------------------------------------------------------------------------------
# STORYLINES - what a good report should surface. The pipeline/report code knows nothing about them.
# Each storyline adds extra mentions per day on top of the background.
# ----------------------------------------------------------------------------------------------------
# 1. "delivery_surge": Narmart's sorting centre / new warehouse melts down. Delivery complaints (late,
#    lost, courier no-show, stuck at warehouse) rise from the background ~2-3/day to ~15-25/day between
#    2026-10-16 and 2026-11-05, peak on 2026-10-24 (~60 incl. background), then decay. All languages.
SURGE_EXTRA = {
    "2026-10-16": 7, "2026-10-17": 11, "2026-10-18": 14, "2026-10-19": 15, "2026-10-20": 17,
    "2026-10-21": 18, "2026-10-22": 20, "2026-10-23": 27, "2026-10-24": 57, "2026-10-25": 33,
    "2026-10-26": 24, "2026-10-27": 21, "2026-10-28": 20, "2026-10-29": 18, "2026-10-30": 17,
    "2026-10-31": 16, "2026-11-01": 15, "2026-11-02": 14, "2026-11-03": 14, "2026-11-04": 13,
    "2026-11-05": 12, "2026-11-06": 7, "2026-11-07": 5, "2026-11-08": 3, "2026-11-09": 2, "2026-11-10": 1,
}
SURGE_LANG_WEIGHTS = LANG_WEIGHTS

# 2. "price_backlash": from 2026-10-01 Tezbazar raises prices and adds a per-order "service fee". Price
#    complaints against Tezbazar go from ~1/day to ~10-15/day and stay there until the end (more tr, az).
PRICE_START = date(2026, 10, 1)
PRICE_FIRST_DAYS = {"2026-10-01": 10, "2026-10-02": 14, "2026-10-03": 13}
PRICE_DAILY_RANGE = (9, 14)                     # extra per day after the first days, until LAST_DAY
PRICE_LANG_WEIGHTS = {"az": 0.33, "tr": 0.35, "hy": 0.10, "ru": 0.11, "en": 0.11}

# 3. "campaign": Narmart's autumn campaign 2026-09-20..2026-10-02 (#NarmartPayız in az, #NarmartSonbahar
#    in tr, #NarmartAutumn elsewhere): big discounts, a warm video ad (a grandmother, a pomegranate tree,
#    a cat, a catchy song), free delivery for a week. ~15-30 extra, nearly all positive, mentions per day.
CAMPAIGN_EXTRA = {
    "2026-09-20": 16, "2026-09-21": 22, "2026-09-22": 27, "2026-09-23": 30, "2026-09-24": 28,
    "2026-09-25": 26, "2026-09-26": 24, "2026-09-27": 22, "2026-09-28": 21, "2026-09-29": 19,
    "2026-09-30": 18, "2026-10-01": 17, "2026-10-02": 15,
}
CAMPAIGN_TAGS = {"az": "#NarmartPayız", "tr": "#NarmartSonbahar", "hy": "#NarmartAutumn",
                 "ru": "#NarmartAutumn", "en": "#NarmartAutumn"}
CAMPAIGN_NEUTRAL_SHARE = 0.08                   # questions about the campaign (still storyline=campaign)

# ----------------------------------------------------------------------------------------------------
# Brand spellings
# ----------------------------------------------------------------------------------------------------
BRAND_LATIN = {
    "Narmart": (("Narmart", 6), ("NarMart", 2), ("narmart", 2)),
    "Tezbazar": (("Tezbazar", 6), ("TezBazar", 2), ("tezbazar", 2)),
    "Lumo": (("Lumo", 8), ("lumo", 2)),
}
BRAND_CYR = {"Narmart": "Нармарт", "Tezbazar": "Тезбазар", "Lumo": "Лумо"}
BRAND_ARM = {"Narmart": "Նարմարտ", "Tezbazar": "Թեզբազար", "Lumo": "Լումո"}
BRAND_HANDLE = {"Narmart": "@narmart", "Tezbazar": "@tezbazar", "Lumo": "@lumo_shop"}
BRAND_HASHTAGS = {
    "Narmart": (("#narmart", 5), ("#Narmart", 3), ("#NarMart", 1)),
    "Tezbazar": (("#tezbazar", 5), ("#Tezbazar", 2), ("#TezBazar", 1)),
    "Lumo": (("#lumo", 5), ("#Lumo", 2), ("#lumoshop", 1)),
}
BRAND_PAGE = {"Narmart": "narmart", "Tezbazar": "tezbazar", "Lumo": "lumoshop"}
# case suffixes: g=genitive, ab=ablative, l=locative/prepositional, d=dative, a=accusative, i=instrumental,
# t=definite (hy)
AZ_SUF = {"Narmart": {"g": "ın", "ab": "dan", "l": "da", "d": "a", "a": "ı"},
          "Tezbazar": {"g": "ın", "ab": "dan", "l": "da", "d": "a", "a": "ı"},
          "Lumo": {"g": "nun", "ab": "dan", "l": "da", "d": "ya", "a": "nu"}}
TR_SUF = {"Narmart": {"g": "ın", "ab": "tan", "l": "ta", "d": "a", "a": "ı"},
          "Tezbazar": {"g": "ın", "ab": "dan", "l": "da", "d": "a", "a": "ı"},
          "Lumo": {"g": "nun", "ab": "dan", "l": "da", "d": "ya", "a": "yu"}}
HY_SUF = {"Narmart": {"g": "ի", "ab": "ից", "l": "ում", "d": "ին", "i": "ով", "t": "ը"},
          "Tezbazar": {"g": "ի", "ab": "ից", "l": "ում", "d": "ին", "i": "ով", "t": "ը"},
          "Lumo": {"g": "յի", "ab": "յից", "l": "յում", "d": "յին", "i": "յով", "t": "ն"}}
RU_SUF = {"Narmart": {"g": "а", "l": "е", "d": "у", "i": "ом"},
          "Tezbazar": {"g": "а", "l": "е", "d": "у", "i": "ом"},
          "Lumo": {"g": "", "l": "", "d": "", "i": ""}}
BRAND_RX = re.compile(r"narmart|tezbazar|lumo|нармарт|тезбазар|лумо|նարմարտ|թեզբազար|լումո",
                      re.IGNORECASE)
BRAND_OF_MATCH = {"narmart": "Narmart", "нармарт": "Narmart", "նարմարտ": "Narmart",
                  "tezbazar": "Tezbazar", "тезбазар": "Tezbazar", "թեզբազար": "Tezbazar",
                  "lumo": "Lumo", "лумо": "Lumo", "լումո": "Lumo"}

# ====================================================================================================
# TEXT MATERIAL. One template per line. Optional tag at the start: "[aspect,aspect] " or
# "[neg|neu|pos;aspect,...] " (sentiment tag only in mixed pools). Slots:
#   {B} brand, {Bg} genitive, {Bab} ablative, {Bl} locative/prepositional, {Bd} dative, {Ba} accusative,
#   {Bi} instrumental, {Bt} definite (hy); {X...} the same for a second brand; {H} brand @handle,
#   {HT} brand hashtag, {CT} campaign hashtag; {P} product ({Pt} definite, {Pg} genitive in hy);
#   {C} city ({Cd} dative, {Cl} locative, {Ca}/{Cp} ru accusative/prepositional); numbers {n} days,
#   {nd} ru "N дней", {amt} {amt2} prices, {dfee} delivery fee, {fee} service fee, {lim} free-delivery
#   threshold, {pct} percent.
# ====================================================================================================
L: dict[str, dict] = {}

L["az"] = {
    "products": ("telefon", "krossovka", "noutbuk", "kofe maşını", "divan", "qulaqcıq", "tozsoran",
                 "planşet", "televizor", "blender", "ağıllı saat", "uşaq arabası", "elektrik çaydanı",
                 "paltaryuyan", "kitab dəsti", "qış gödəkçəsi"),
    "cities": (("Bakı", "Bakıya", "Bakıda"), ("Gəncə", "Gəncəyə", "Gəncədə"),
               ("Sumqayıt", "Sumqayıta", "Sumqayıtda"), ("Şəki", "Şəkiyə", "Şəkidə"),
               ("Lənkəran", "Lənkərana", "Lənkəranda"), ("Mingəçevir", "Mingəçevirə", "Mingəçevirdə"),
               ("Xırdalan", "Xırdalana", "Xırdalanda"), ("Quba", "Qubaya", "Qubada"),
               ("Naxçıvan", "Naxçıvana", "Naxçıvanda")),
    "names": ("aysel", "elvin", "nigar", "rashad", "leyla", "tural", "gunay", "orkhan", "kamran", "sevinj",
              "farid", "aynur", "murad", "lala", "ilkin", "narmin", "emin", "konul", "ramil", "aytan",
              "samir", "gulnar", "nijat", "sabina", "vusal", "fidan", "javid", "zaur", "ulvi", "aygun",
              "togrul", "shahin", "arzu", "elnur", "gulshan", "anar", "xayal", "nargiz", "parvin", "ruslan"),
    "surnames": ("aliyev", "aliyeva", "mammadov", "mammadova", "hasanov", "hasanova", "guliyev", "huseynova",
                 "ismayilov", "babayeva", "abbasov", "jafarova", "najafov", "rzayeva", "karimov", "safarli"),
    "words": ("baku", "bakili", "qiz", "azeri", "gence", "sumqayit", "ana", "xanim", "bey", "life", "az"),
    "subs": ("azerbaijan", "baku", "azerbaijan", "baku", "AzeriTalk"),
    "T": {
        "delivery": """
{Bab} {P} sifariş etmişdim, {n} gündür gözləyirəm, hələ də yoxdur
{Bg} kuryeri yenə gəlmədi. Bütün günü evdə boş-boşuna gözlədim
Sifarişim {n} gündür "yoldadır" statusunda qalıb. Bu nə yoldur belə? 🙄
Ay {B}, mənim bağlamam hardadır? Artıq {n} gündür heç bir xəbər yoxdur
Bağlamanı əzik qutuda gətirdilər, içindəki {P} zədələnib 😤
Kuryer zəng edib deyir ki, evdə yoxsunuz. Mən səhərdən evdəyəm 🤦‍♀️ {B}, bu nə işdir?
Saytda {Cd} çatdırılma 1-2 gün yazılıb, artıq {n} gündür gözləyirəm
Çatdırılma vaxtı 14:00-18:00 yazılmışdı, kuryer gecə saat 11-də gəldi. Normaldır bu?
Bağlamam itib. {Bg} dəstəyi deyir axtarırıq. {n} gündür axtarırlar 😂
Kuryer çox kobud danışdı, üstəlik bağlamanı qapının ağzına atıb getdi
Sifarişi başqa ünvana aparıblar, indi də deyirlər gəlin özünüz götürün. Sağ olun {B} 👏
Əla, artıq {n} gündür bağlama gözləyirəm 👏👏 çox sağ ol {B}
{Bab} heç nə vaxtında gəlmir. Heç nə!
dostavka yenə gecikir, voobşe {Bg} kuryerləri nə iş görür başa düşmürəm
{Cl} yaşayıram, {B} deyir çatdırılma 1-2 gündür. Artıq bir həftədir gözləyirəm
Kuryer telefonu götürmür, operator da bilmir kuryer hardadır. Super sistem 🙃
Bağlamada {P} əvəzinə tamam başqa şey gəlib 😐 kimsə izah etsin
Sifariş "çatdırıldı" kimi görünür, amma mənə heç nə gəlməyib!! {B}
Ərzaq sifariş etdim, 2 saata gəlməli idi, 5 saat keçdi. Dondurma yəqin çoxdan əriyib 🫠
{Bg} çatdırılması əvvəllər normal idi, son vaxtlar tam bərbad olub
Kuryer blokun qabağından zəng edir ki, düş götür. Mən 9-cu mərtəbədəyəm e 🙄
{n} gündür "anbarda" yazılıb. Anbarda nə işi var o qədər?
Kuryer vaxt verir, gəlmir, sonra da yazır ki "müştəri cavab vermədi". Yalandır!
Bu gün də gətirmədilər. Sabah da gəlməsə, sifarişi ləğv edirəm {B}
Anamın ad gününə hədiyyə sifariş etmişdim, ad günü keçdi, hədiyyə hələ də yoldadır 🤡
{Bg} çatdırılması lotereya kimidir: gələ də bilər, gəlməyə də 😂
Bağlamanı qonşuya veriblər, mənə heç xəbər də verməyiblər
Kuryer qapını döymədi də, birbaşa "ünvanda tapılmadı" yazıb getdi
Uşaq bezi sifariş etmişdim, {n} gündür yoxdur. Uşaq gözləmir axı! {B}
"Eyni gün çatdırılma" reklamı verirsiniz, mən {n} gündür gözləyirəm {B} 🙃
Kuryer bağlamanı gətirdi, amma qutu açılmışdı. Deyəsən içindən nəsə götürüblər
""",
        "price": """
{Bl} qiymətlər niyə bu qədər bahadır? Eyni {P} başqa yerdə xeyli ucuzdur
Çatdırılma haqqı {dfee} manat? Ciddi? Az qala məhsulun yarısı qədər
{B} endirim yazır, amma əvvəlcə qiyməti qaldırır, sonra "endirir". Bizi axmaq hesab edirsiniz?
Səbətdə bir qiymət, ödənişdə başqa qiymət. Gizli ödənişlərdən bezdim
{Bg} qiymətləri gündən-günə artır, maaş isə yerində sayır 😅
Keçən həftə {amt} manat idi, bu gün baxıram {amt2} manat. Bu nə məntiqdir?
{Bl} hər şey bahadı e, voobşe heç nə almaq olmur
Xidmət haqqı, qablaşdırma haqqı, çatdırılma haqqı... bəs məhsulun özü neçəyədir? 🙃
{Bab} sifariş verməkdənsə birbaşa mağazaya getmək ucuz başa gəlir
Promokod işləmir, qiymət elə köhnə qiymətdir. Aldatmaq yaxşı deyil {B}
Minimum sifariş məbləğini yenə qaldırıblar. Artıq tək {P} sifariş vermək olmur
{Bg} "ən ucuz qiymət" reklamı tam yalandır, özüm yoxladım
Bu qiymətə {P}? Yox, sağ olun
{B} qiymət qaldırmaqda çempiondur 🏆
{Bl} uşaq bezinin qiyməti bir ayda iki dəfə qalxıb. Valideynlər nə etsin?
Qiymət {amt} ₼ yazılmışdı, kartdan {amt2} ₼ çıxıldı. Fərq nədir? Heç kim izah etmir
Daha {Bab} alış-veriş etmirəm, hər şey bahalaşıb
Pulsuz çatdırılma limiti {lim} manat olub?? Əvvəl 30 idi
Endirim günlərində belə {Bl} qiymətlər başqa yerlərdən bahadır, maraqlıdır
{P} {amt} manat?? Ay {B}, insaf da yaxşı şeydir
Dollar qalxanda qiymətləri qaldırırlar, düşəndə endirmirlər. Klassika
Ödəniş zamanı birdən "xidmət haqqı" çıxdı, əvvəllər yox idi bu
{Bg} qiymətlərinə baxıb gülürəm ki, ağlamayım 😂
10% endirim kampaniyası edib, çatdırılmanı iki dəfə bahalaşdırıblar. Dahiyanə
Tələbə üçün {B} artıq əlçatan deyil, qiymətlər göyə qalxıb
Bir ay əvvəl aldığım {P} indi {pct}% bahadır. Nə baş verir?
{B} əvvəllər ucuz idi, indi bazardan da bahadır
Promokodu yazıram, "etibarsızdır" deyir. Bəs niyə göndərirsiniz onu? {B}
""",
        "support": """
{Bg} dəstək xidmətinə 40 dəqiqədir zəng edirəm, heç kim götürmür
Çatda bot cavab verir, operator yoxdur. Bot da eyni şeyi təkrarlayır 🤖
Üç dəfə yazdım, üçünə də şablon cavab gəldi. Problemi həll edən yoxdur
Operator dedi 24 saat ərzində geri dönəcəyik. {n} gün keçib 🙂
{Bg} dəstəyi: "müraciətiniz qeydə alındı". Vəssalam. Sonra sükut
Qaynar xətt deyil, soyuq xəttdir bu 🥶 {B}
Operator çox kobud danışdı, sonra da telefonu üzümə qapadı
İnstaqramda yazıram cavab yoxdur, zəng edirəm cavab yoxdur. Sizi harda tapım {B}?
Dəstək deyir bu bizim problem deyil, satıcıya yazın. Satıcı da cavab vermir
Operatorla danışmaq üçün 9-u basın deyir, basıram, zəng kəsilir 🤦
""",
        "quality": """
{Bab} aldığım {P} iki gün sonra xarab oldu
Şəkildə bir şey, gələn başqa şey. Rəngi də fərqlidir, ölçüsü də
Orijinal deyə aldığım krossovka saxta çıxdı, loqosu əyridir 🤡
{P} işləmir, qutudan çıxaran kimi problemlər başladı
Ərzağın son istifadə tarixi keçmişdi. Az qala uşağa verəcəkdim!
Keyfiyyət sıfırdır, pulu boşa verdim {B}
Kitabın səhifələri qarışıq tikilib, 40-cı səhifədən sonra 70-ci gəlir 😂
Təsvirdə "təbii dəri" yazılıb, gələn plastikdir
Uşaq bezləri keyfiyyətsizdir, hamısı sızdırır. Əvvəlki partiya belə deyildi
""",
        "website_app": """
{Bg} tətbiqi yenə çökdü, səbət də sıfırlandı
Tətbiqə daxil ola bilmirəm, SMS kod gəlmir
Yenilənmədən sonra tətbiq ümumiyyətlə açılmır
Sayt o qədər ləngdir ki, sifarişi verənə qədər endirim bitdi
Axtarışa "telefon" yazıram, uşaq bezi çıxır 🤔
Tətbiqdə ödəniş səhifəsi ağ ekran göstərir, vəssalam
{Bg} app-i telefonu qızdırır, batareyanı yeyir
Filtrlər işləmir, qiymətə görə sıralayanda hər şey qarışır
""",
        "payment": """
Kartdan pul iki dəfə çıxılıb, {B} deyir sistem xətasıdır, gözləyin
Kartımı qəbul etmir, başqa yerlərdə eyni kart işləyir
Sifarişi ləğv etdim, {n} gündür pulun qaytarılmasını gözləyirəm
Ödəniş keçdi, sifariş yaranmadı. Nə pul var, nə sifariş 🙃
Qapıda nağd ödəniş yazılıb, kuryer deyir yalnız kartla
Hissə-hissə ödəniş seçimi çıxmır, halbuki reklamda var idi
3D Secure kodu gəlmir, ödəniş alınmır
Bank deyir heç bir qaytarma gəlməyib, {B} deyir göndərmişik. Kimə inanım?
""",
        "returns": """
Qaytarma üçün müraciət etdim, {n} gündür cavab yoxdur
Qaytarmaq istəyirəm, deyirlər qutunu açmısınız, olmaz. Açmadan necə bilim ki, xarabdır?
{Bg} qaytarma qaydaları tam qarışıqdır, heç kim düz-əməlli izah etmir
Məhsulu qaytardım, pulun əvəzinə bonus verdilər. Mənə bonus lazım deyil!
Qaytarma üçün kuryer gəlməlidir, bir həftədir gəlmir
Ölçü uyğun gəlmədi, dəyişmək üçün {dfee} manat istəyirlər
Pulun qaytarılması 14 iş günü çəkirmiş. Kartdan çıxanda isə 1 saniyə çəkir
""",
        "stock": """
Saytda "stokda var" yazırdı, sifariş verdim, sonra zəng edib deyirlər yoxdur
{P} 2 aydır stokda yoxdur, nə vaxt gələcək?
Sifarişin yarısı gəldi, qalanı "bitib" deyirlər. Əvvəlcədən demək olmazdı?
Endirimdəki məhsul 5 dəqiqəyə bitdi, ümumiyyətlə var idi?
Lazım olan ölçüdə uşaq bezi heç vaxt olmur. Bezdim
Gözlədiyim {P} yenə "tezliklə" statusundadır
""",
        "communication": """
Sifarişin statusu heç dəyişmir, nə SMS var, nə bildiriş
Sifarişimi ləğv ediblər, heç kim demədi, özüm gördüm
Çatdırılma gecikir, bunu bir SMS-lə demək çətindir?
Trek nömrəsi veriblər, heç bir sistemdə tapılmır
Heç olmasa bir məlumat verin, bu bağlama nə vaxt gələcək?
Email gəlir "sifarişiniz yoldadır", bir saat sonra "ləğv olundu". Hansı doğrudur?
""",
        "staff_store": """
Təhvil məntəqəsində bir işçi var, növbə 20 nəfərdir
Götürmə məntəqəsi iş saatında bağlı idi, boş yerə getdim
Məntəqədəki oğlan telefonla danışırdı, bizim üzümüzə də baxmırdı
{Cl} təhvil məntəqəsi köçüb, heç kimə xəbər verməyiblər
Məntəqədə bağlamamı tapa bilmədilər, dedilər sabah gəl
Məntəqə işçiləri çox kobuddur, sual verəndə əsəbiləşirlər
""",
        "privacy": """
Hər gün {Bab} 3-4 reklam SMS-i gəlir, abunəlikdən çıxmaq mümkün deyil
Nömrəmi haradan tapıblar? Heç sifariş vermədən SMS gəlir
Deyəsən məlumatlarım sızıb, {B} adından fırıldaqçı zənglər gəlir
Tətbiq niyə kontaktlarıma icazə istəyir?
Bir dəfə sifariş verdim, indi hər gün zəng edib "xüsusi təklif" deyirlər
""",
        "marketing": """
YouTube-da hər videodan əvvəl {Bg} reklamı. Artıq əsəbiləşdirir
Reklamda bir qiymət, saytda tamam başqa
Bu reklam mahnısı başımdan çıxmır, zəhləm getdi 😩
Instagramda hər 3 postdan biri {Bg} reklamıdır, bezdik
"Hər şeyə 50% endirim" reklamı, amma cəmi 3 məhsula
""",
        "praise": """
[delivery] {Bab} sifariş verdim, ertəsi gün gəldi. Əla! 👍
[delivery] Kuryer çox nəzakətli idi, hətta bağlamanı mərtəbəyə qədər qaldırdı 🙏
[price] {Bl} {P} başqa yerlərdən ucuz çıxdı, razıyam
[support] Dəstək xidməti 5 dəqiqəyə problemimi həll etdi. Sağ olun {B}!
[] {B} ilə heç vaxt problemim olmayıb, tövsiyə edirəm
[returns] Qaytarma çox rahat oldu, pulu 2 günə geri aldım
[website_app] Tətbiq çox rahatdır, hər şey aydındır
[quality] Aldığım {P} tam şəkildəki kimidir, keyfiyyət əladır
[delivery] Axşam sifariş, səhər qapıda. {B} 🔥
[delivery] Təşəkkürlər {B}, hər şey vaxtında və səliqəli gəldi ❤️
[delivery] {Cl} belə çatdırılma var imiş, bilmirdim. Çox rahatdır
[price] Uşaq bezini artıq yalnız {Bab} alıram, həm rahat, həm sərfəli
[support] Operator xanım çox səbirli idi, hər şeyi izah etdi, təşəkkür edirəm
[] {B} həyatımı asanlaşdırdı, vallah 😄
[quality] Kofe maşını gəldi, işləyir, kofesi də dadlıdır ☕
[price] Bonus ballarla demək olar ki, pulsuz {P} aldım 😎
[delivery] Bağlama çox yaxşı qablaşdırılmışdı, heç bir zədə yoxdur
[] {B} super, başqa söz yoxdur
[] Elə bilirdim internetdən almaq risklidir, {B} fikrimi dəyişdi
[payment] Ödəniş problemsiz keçdi, hissə-hissə almaq da rahatdır
[stock] Hər şey stokda var, axtardığımı nəhayət tapdım
[website_app] Tətbiqin yeni dizaynı çox xoşuma gəldi
[staff_store] {Cl} təhvil məntəqəsindəki qızlar çox mehribandır
[delivery] Ərzaqları 1 saata gətirdilər, çörək hələ isti idi 🥖😍
[] Hər ay {Bab} sifariş edirəm, hələ ki, şikayətim yoxdur
[returns] Ölçü uyğun gəlmədi, heç bir sual vermədən dəyişdilər. Əla servis
[] Maladest {B}, belə davam 💪
[delivery] Kuryer oğlan vaxtından tez gəldi, üstəlik əvvəlcədən zəng edib xəbər verdi 👌
""",
        "neutral": """
[delivery] {B} {Cd} çatdırılma edir? Bilən var?
[website_app] {Bg} tətbiqini yoxlayan olub? Necədir?
[price] Kimdə {B} promokodu var?
[delivery] {Bab} sifariş adətən neçə günə gəlir?
[payment] {Bl} qapıda nağd ödəmək olur?
[] {P} almaq istəyirəm: {B}, yoxsa başqa yer? Məsləhət verin
[returns] {Bl} qaytarma necə olur, bilən var?
[staff_store] {Cl} {Bg} təhvil məntəqəsi harda yerləşir?
[delivery] {B} Gürcüstana da çatdırır?
[stock] {P} nə vaxt stoka gələcək, bilən var?
[] Heç {Bab} sifariş etməmişəm, etibarlıdır?
[delivery] {B} gecə də çatdırır?
[price] {Bl} pulsuz çatdırılma neçə manatdan başlayır?
[] {B} "Qara Cümə"də endirim edəcək?
[staff_store] {B} {Cl} yeni məntəqə açıb, dünən gördüm
[payment] {Bl} hissə-hissə almaq olur?
[delivery] Kimsə {Bab} mebel alıb? Yığmağı da özləri edirlər?
[website_app] {Bg} tətbiqində ünvanı necə dəyişmək olar?
[support] {Bg} qaynar xətt nömrəsi neçədir?
[] {Bl} ərzaq da satılır, yoxsa yalnız texnika?
[] {B} haqqında fikirləriniz?
[delivery] {Bab} rayonlara çatdırılma nə qədər çəkir? Məsələn, Şəkiyə
[] {B} yerli şirkətdir?
[price] {Bg} bonusları nə vaxt yanır, bilən var?
[] Eşitdim {B} kuryer axtarır, orada işləyən var? Maaş necədir?
[marketing] {Bg} yeni reklamını gördünüz? Nəyi reklam edirlər, başa düşmədim 😅
""",
        "campaign": """
[price] {CT} endirimləri həqiqətən əladır, yarı qiymətə {P} aldım 😍
[marketing] {Bg} yeni reklamına baxdınız? Nənə, nar ağacı... ağladım 🥹 {CT}
[delivery] Bir həftə pulsuz çatdırılma! Sağ ol {B} 🙌 {CT}
[price] {CT} kampaniyası başlayıb, səbəti artıq doldurmuşam 🛒
[price] Nəhayət normal endirim! {B} bu dəfə yaxşı iş görüb {CT}
[marketing] Reklamdakı mahnı nədir? Bütün günü zümzümə edirəm 🎶 {CT}
[price] {CT} sayəsində qış üçün hər şeyi aldım, həm də ucuz
[price,delivery] Payız endirimləri + pulsuz çatdırılma = {B} ❤️
[marketing] Bu reklamı kim çəkibsə, əlinə sağlıq. Payız, nar, nənə, hər şey yerində {CT}
[price] {P} 40% endirimlə! {CT} qaçırmayın
[price] Uşaq bezləri də endirimdədir {CT} analara müjdə 👶
[price] İlk dəfədir ki, endirim həqiqətən endirimdir. Təşəkkürlər {B} {CT}
[marketing] {CT} reklamına 10 dəfə baxmışam, yenə baxıram 😂❤️
[delivery] Kaş pulsuz çatdırılma həftəsi bitməsin 🙏 {B}
[marketing] Anam da reklamı görüb {Bab} sifariş verdi 😄 {CT}
[price] {Bg} payız kampaniyası ən yaxşısıdır, başqa yerdə belə endirim yoxdur
[price] Kofe maşınını iki dəfə ucuz aldım {CT} ☕🍂
[marketing] {CT} — bəli, bu dəfə reklam yalan demir 👍
[marketing] Reklamdakı pişik 😻 {CT}
[price] Dostlar, {CT} kampaniyası hələ bitməyib, tələsin! 🍂
[price,delivery] Pulsuz çatdırılma + promokod, bütün səbət cəmi {amt} manata 🤩 {CT}
[] Bu payız {B} ilə 🍁 {CT}
[marketing] {Bg} reklamı o qədər isti idi ki, dərhal sifariş verdim 😊
[delivery] Kampaniya çərçivəsində {P} aldım, ertəsi gün gəldi, özü də pulsuz! {CT}
[price] {CT} sayəsində ad günü hədiyyələrini bir yerdən aldım 🎁
[marketing] Reklamda nənənin "nar kimi nəvəm" deməsi məni bitirdi 😭 {CT}
[price] {CT} endirimləri ilə nəhayət {P} aldım, çoxdan istəyirdim 😍
[neu;price] {CT} kampaniyası nə vaxta qədərdir?
[neu;delivery] Pulsuz çatdırılma rayonlara da aiddir? {CT}
[neu;price] {CT} endirimləri uşaq bezinə də aiddir?
""",
        "surge": """
{Bg} anbarında nə baş verir? Sifarişim {n} gündür "çeşidləmə mərkəzində" qalıb
Deyəsən {B} tam çöküb, heç kimin bağlaması gəlmir
Bütün dostlarımın {Bab} sifarişi ilişib qalıb. Nə baş verir?
[delivery,support] Operator özü etiraf etdi ki, anbarda problem var. Nə vaxt həll olunacaq, bilmirlər
Çeşidləmə mərkəzində "texniki problem" varmış. {n} gündür texniki problem 🙃
{Bg} qrupunda yüzlərlə adam eyni şeyi yazır: bağlama yoxdur
[delivery,communication] Sifarişin statusu {n} gündür dəyişmir. Nə kuryer var, nə zəng, heç nə
[delivery,support] Kuryer gəlmədi, dəstək cavab vermir, bağlama anbarda ilişib. Tam xaos {B}
Deyəsən bu həftə {Bab} heç kim heç nə ala bilmədi 😂
{Bg} yeni anbarı açılandan bəri hər şey qarışıb
[delivery,communication] Heç olmasa bir açıqlama verin {B}! Minlərlə insan bağlama gözləyir
[delivery,support] Bağlamalar itir, kuryer yoxdur, dəstək susur. {B}, sizə nə olub?
Tanıdığım hər kəsin {Bab} bağlaması gecikir. Bu artıq normal deyil
{P} {n} gündür "anbarda" görünür. Yəqin artıq orada yaşayır 🏚️
{B} bu həftə tam bərbaddır, müvəqqəti {Xd} keçdim
Kuryer gəlib deyir ki, maşında 200 bağlama var, sizinki yoxdur. Bəs hardadır? 🤷‍♂️
Uşaq bezi sifariş etmişdim, {n} gündür anbardan çıxmır. Mağazaya qaçmalı oldum, sağ ol {B} 👏
""",
        "fee": """
{B} yeni "xidmət haqqı" gətirib, hər sifarişə {fee} manat. Bu nə haqqıdır?
{Bg} qiymətləri bu ay ciddi qalxıb, üstəgəl bir də xidmət haqqı 😡
Xidmət haqqı nə deməkdir? Çatdırılmanı onsuz da ödəyirik {B}
{Bab} çıxıram, qiymətlər artıq normal deyil
Eyni səbət keçən ay {amt} manat idi, indi {amt2}. Sağ ol {B} 👏
{B} xidmət haqqını ləğv etməsə, bir də sifariş vermirəm
{Bg} tətbiqini sildim. Xidmət haqqı son damla oldu
{B} hər şeyi 10-15% bahalaşdırıb, heç bir izahat yoxdur
Xidmət haqqı + çatdırılma + qablaşdırma = məhsulun özündən baha 🤡 {B}
Kim deyir {B} ucuzdur? Artıq yox
{Bg} yeni qiymətlərini görəndə gözlərimə inanmadım
Xidmət haqqını səbətin ən sonunda göstərirlər ki, fikir verməyəsən. Hiyləgərlikdir!
{B} boykot! Xidmət haqqı ləğv olunana qədər sifariş yoxdur
Qiymət artımı + xidmət haqqı. Deyəsən {B} müştərilərini itirmək istəyir
{B} qiymətləri qaldıranda xəbər də vermədi, səbətdə gördüm
Bir də "xidmət haqqı" çıxarıblar, nə xidməti? Gec gələn kuryer? {B}
{Bab} uşaq bezi alırdım, indi başqa yerdə 20% ucuzdur
{Bg} xidmət haqqından sonra {Xd} keçdim, heç olmasa orda belə şey yoxdur
{fee} manat bir dəfə azdır, amma hər sifarişdə? Ayda nə qədər edir, hesablayın {B}
Çekə baxdım: "xidmət haqqı {fee} ₼". Bu nədir {B}?
""",
        "compare": """
[neu;delivery] {B}, yoxsa {X}? Hansı daha tez çatdırır?
[neg;delivery] {Bab} sifariş verdim, 5 gündür yoxdur, {Xab} 1 günə gəlirdi
[pos;price] {B} {Xab} xeyli ucuzdur, tamam keçdim
[neu;price] Eyni {P}: {Bl} {amt} manat, {Xl} {amt2} manat
[neg] {B} da, {X} da eynidir, ikisi də bərbaddır
[pos] {Bab} sonra {X} heç xoşuma gəlmir
[neg;support] {Bg} dəstəyi {Xg} dəstəyindən də pisdir
[neu] {B} vs {X}: kim hansını seçir və niyə?
[pos;delivery] {X} 4 gün çəkdi, {B} ertəsi gün gətirdi. Seçim aydındır
[neu;website_app] {Bg} tətbiqi, yoxsa {Xg} tətbiqi? Hansı rahatdır?
""",
        "op_neg": """
Ay insaf,
Vallah bezdim.
Uşaqlar, bu normaldır?
Yenə eyni hekayə.
Ciddi deyirəm,
Əsəbdən partlayıram.
Koroçe,
Prosto şokdayam.
""",
        "cl_neg": """
😡
🤬
😤
Bravo 👏
Bir də sifariş vermirəm.
#narazıyam
Utanın!
🙄🙄
Heç kimə tövsiyə etmirəm.
Ayıbdır!
Nə deyim...
""",
        "op_pos": """
Bunu da yazım ki,
Düzü, təəccübləndim.
Ədalət naminə deyim ki,
Bir yaxşı söz də deyək:
""",
        "cl_pos": """
👍
❤️
🔥🔥
Tövsiyə edirəm!
Sağ olun!
😍
10/10
Əla!
💯
""",
        "op_neu": """
Salam,
Salam hamıya,
Sual:
Bilən varsa yazsın,
""",
        "cl_neu": """
🤔
Əvvəlcədən təşəkkürlər
Bilən yazsın pls
🙏
""",
        "rp_neg": """
eyni problem məndə də.
mənə də eyni şeyi dedilər.
tam eyni vəziyyətdəyəm.
""",
        "rp_pos": """
razıyam.
düz deyirsən.
+1
""",
        "rp_neu": """
mən də bunu soruşmaq istəyirdim.
maraqlı sualdır.
""",
        "short_neg": """
{B} bərbaddır
{B} biabırçılıqdır 🤦
yenə {B}... 🙄
{B}, ayıb olsun
{B} daha heç vaxt
""",
        "short_pos": """
{B} əladır 👍
{B} 🔥 sağ olun
{B} ən yaxşısıdır
{B} ❤️ əla xidmət
""",
        "rt_neg": """
Məyus oldum
Heç tövsiyə etmirəm
Pis təcrübə
Bir daha yox
""",
        "rt_pos": """
Çox razı qaldım
Əla xidmət
Tövsiyə edirəm
""",
        "rt_neu": """
Orta səviyyə
Yaxşısı da var, pisi də
""",
        "tags": """
#bakı
#alışveriş
#onlaynalışveriş
#azərbaycan
#sifariş
""",
    },
}

L["tr"] = {
    "products": ("telefon", "laptop", "kahve makinesi", "koltuk takımı", "robot süpürge", "tablet",
                 "televizyon", "blender", "kettle", "sırt çantası", "elektrikli scooter", "spor ayakkabı",
                 "akıllı saat", "bebek arabası", "kulaklık", "airfryer"),
    "cities": (("İstanbul", "İstanbul'a", "İstanbul'da"), ("Ankara", "Ankara'ya", "Ankara'da"),
               ("İzmir", "İzmir'e", "İzmir'de"), ("Bursa", "Bursa'ya", "Bursa'da"),
               ("Antalya", "Antalya'ya", "Antalya'da"), ("Eskişehir", "Eskişehir'e", "Eskişehir'de"),
               ("Konya", "Konya'ya", "Konya'da"), ("Trabzon", "Trabzon'a", "Trabzon'da"),
               ("Kayseri", "Kayseri'ye", "Kayseri'de"), ("Kadıköy", "Kadıköy'e", "Kadıköy'de")),
    "names": ("mehmet", "zeynep", "elif", "burak", "can", "ayse", "emre", "selin", "mert", "deniz", "cem",
              "ebru", "onur", "merve", "kaan", "gizem", "baris", "ece", "serkan", "tugba", "oguz", "irem",
              "umut", "busra", "volkan", "ozge", "yusuf", "esra", "hakan", "damla", "furkan", "sude",
              "tolga", "ceren", "berk", "asli"),
    "surnames": ("yilmaz", "kaya", "demir", "sahin", "celik", "ozturk", "arslan", "dogan", "kilic", "aydin",
                 "koc", "yildiz", "ozdemir", "aksoy", "polat", "erdem"),
    "words": ("ist", "izmirli", "kedi", "anne", "kahve", "gezgin", "tr", "34", "06", "35", "bey", "hanim"),
    "subs": ("Turkey", "istanbul", "KGBTR", "Turkey", "ankara"),
    "T": {
        "delivery": """
{Bab} {P} sipariş ettim, {n} gündür bekliyorum, hâlâ yok
{Bg} kuryesi yine gelmedi. Bütün gün evde boşuna bekledim
Siparişim {n} gündür "yolda" görünüyor. Ne yoluysa artık 🙄
{B} kargom nerede? {n} gündür hiçbir haber yok
Kargoyu ezik kutuyla getirdiler, içindeki {P} hasarlı 😤
Kurye arayıp "evde yoksunuz" diyor, sabahtan beri evdeyim 🤦‍♀️ {B} bu ne?
Sitede {Cd} teslimat 1-2 gün yazıyordu, bugün {n}. gün
Teslimat aralığı 14:00-18:00 yazıyor, kurye gece 11'de geliyor. Normal mi bu?
Kargom kayboldu. {B} müşteri hizmetleri "araştırıyoruz" diyor. {n} gündür araştırıyorlar 😂
Kurye çok kabaydı, üstüne paketi kapının önüne fırlatıp gitti
Siparişi başka adrese götürmüşler, şimdi "gelip kendiniz alın" diyorlar. Sağ olun {B} 👏
Harika, {n}. gündür kargo bekliyorum 👏👏 çok teşekkürler {B}
{Bab} hiçbir şey zamanında gelmiyor. Hiçbir şey!
Kargo yine gecikti, literally her seferinde aynı hikaye
{Cl} oturuyorum, {B} teslimat 1-2 gün diyor. Bir haftadır bekliyorum
Kurye telefonu açmıyor, müşteri hizmetleri de kuryenin nerede olduğunu bilmiyor. Süper sistem 🙃
Kargodan {P} yerine alakasız bir şey çıktı 😐 biri açıklasın
Sipariş "teslim edildi" görünüyor ama bana hiçbir şey gelmedi!! {B}
Market siparişi verdim, 2 saatte gelecekti, 5 saat oldu. Dondurma erimiştir kesin 🫠
{Bg} teslimatı eskiden fena değildi, son zamanlarda tam bir felaket
Kurye apartmanın önünden arıyor, "inin alın" diye. 9. kattayım ben 🙄
{n} gündür "depoda" yazıyor. Depoda ne işi var bu kadar?
Kurye saat veriyor, gelmiyor, sonra "alıcıya ulaşılamadı" yazıyor. Yalan!
Bugün de gelmedi. Yarın da gelmezse siparişi iptal ediyorum {B}
Annemin doğum günü için hediye almıştım, doğum günü geçti, hediye hâlâ yolda 🤡
{Bg} kargosu piyango gibi, gelirse gelir 😂
Paketi komşuya bırakmışlar, bana haber bile vermediler
Kurye kapıyı çalmadı bile, direkt "adreste bulunamadı" yazıp gitmiş
Same day delivery diye reklam yapıyorsunuz, {n} gündür bekliyorum {B} 🙃
Bebek bezi sipariş ettim, {n} gündür yok. Bebek beklemiyor ama! {B}
Kutu açılmış halde geldi, içinden bir şeyler alınmış gibi
""",
        "price": """
{Bl} fiyatlar neden bu kadar pahalı? Aynı {P} başka yerde çok daha ucuz
Kargo ücreti {dfee} TL mi? Ciddi misiniz? Neredeyse ürünün yarısı kadar
{B} indirim yapıyor ama önce fiyatı şişirip sonra "indirim" diyor. Bizi aptal mı sanıyorsunuz?
Sepette bir fiyat, ödemede başka fiyat. Gizli ücretlerden bıktım
{Bg} fiyatları her gün artıyor, maaş aynı 😅
Geçen hafta {amt} TL'ydi, bugün {amt2} TL. Bu nasıl bir mantık?
pahalı ya {B} artık, hiçbir şey alınmıyor
Hizmet bedeli, paketleme ücreti, kargo ücreti... ürün kaç para peki? 🙃
{Bab} almak yerine direkt mağazaya gitmek daha ucuza geliyor
İndirim kodu çalışmıyor, fiyat aynı kalıyor. Kandırmak hoş değil {B}
Minimum sepet tutarını yine artırmışlar. Tek bir {P} bile sipariş edemiyorsun
{Bg} "en uygun fiyat" reklamı tamamen yalan, kontrol ettim
Bu fiyata {P} mi? Yok, teşekkürler
{B} zam yapmada şampiyon 🏆
{Bl} bebek bezinin fiyatı bir ayda iki kere arttı. Anne babalar ne yapsın?
Fiyat {amt} TL yazıyordu, karttan {amt2} TL çekildi. Fark ne? Kimse açıklamıyor
Artık {Bab} alışveriş yapmıyorum, her şey çok pahalandı
Ücretsiz kargo limiti {lim} TL olmuş?? Daha önce 300'dü
{Bl} indirim dönemlerinde bile fiyatlar başka yerlerden pahalı, ilginç
{P} {amt} TL?? {B} biraz insaf
Dolar artınca zam, dolar düşünce indirim yok. Klasik
Ödeme sayfasında birden "hizmet bedeli" çıktı, önceden yoktu bu
{Bg} fiyatlarına bakıp gülüyorum, ağlamamak için 😂
Kampanya diye %10 indirim yapıp kargoyu iki katına çıkarmışlar. Dahice
Öğrenci olarak {B} artık bütçeme uymuyor, fiyatlar uçmuş
Bir ay önce aldığım {P} şimdi %{pct} daha pahalı. Neler oluyor?
Fiyat/performans bitti, {B} eskisi gibi değil
Kupon kodunu giriyorum, "geçersiz" diyor. Niye gönderiyorsunuz o zaman? {B}
""",
        "support": """
{Bg} çağrı merkezini 40 dakikadır arıyorum, açan yok
Canlı destekte bot cevap veriyor, temsilci yok. Bot da aynı şeyi tekrarlıyor 🤖
Üç kere yazdım, üçünde de hazır cevap geldi. Sorunu çözen yok
Temsilci "24 saat içinde dönüş yapacağız" dedi. {n} gün geçti 🙂
{B} müşteri hizmetleri: "talebiniz alınmıştır". Sonra derin bir sessizlik
Temsilci çok kaba konuştu, üstüne telefonu yüzüme kapattı
Instagram'dan yazıyorum cevap yok, arıyorum cevap yok. Nerede bulacağım sizi {B}?
Customer service diyorlar ama ortada service yok 🙃
Müşteri hizmetleri "satıcıyla iletişime geçin" diyor, satıcı da cevap vermiyor
"Temsilciye bağlanmak için 9'a basın" diyor, basıyorum, hat kapanıyor 🤦
""",
        "quality": """
{Bab} aldığım {P} iki gün sonra bozuldu
Fotoğrafta başka, gelen başka. Rengi de farklı, bedeni de
Orijinal diye aldığım ayakkabı çakma çıktı, logo yamuk 🤡
{P} çalışmıyor, kutudan çıkar çıkmaz sorun başladı
Market siparişindeki ürünün son kullanma tarihi geçmişti. Az kalsın çocuğa veriyordum!
Kalite sıfır, paramı çöpe attım {B}
Kitabın sayfaları karışık basılmış, 40. sayfadan sonra 70. sayfa geliyor 😂
Açıklamada "hakiki deri" yazıyor, gelen resmen plastik
Bebek bezleri çok kalitesiz, hepsi sızdırıyor. Önceki paketler böyle değildi
""",
        "website_app": """
{Bg} uygulaması yine çöktü, sepet de sıfırlandı
Uygulamaya giriş yapamıyorum, SMS kodu gelmiyor
Son update'ten sonra uygulama hiç açılmıyor
Site o kadar yavaş ki siparişi verene kadar indirim bitti
Aramaya "telefon" yazıyorum, bebek bezi çıkıyor 🤔
Ödeme sayfası beyaz ekranda kalıyor, o kadar
{B} app'i telefonu ısıtıyor, şarjı sömürüyor
Filtreler çalışmıyor, fiyata göre sıralayınca her şey karışıyor
""",
        "payment": """
Karttan iki kere çekim yapıldı, {B} "sistem hatası, bekleyin" diyor
Kartım kabul edilmiyor, başka her yerde aynı kart çalışıyor
Siparişi iptal ettim, {n} gündür para iadesini bekliyorum
Ödeme geçti, sipariş oluşmadı. Ne para var ne sipariş 🙃
Kapıda nakit ödeme yazıyordu, kurye "sadece kart" diyor
Taksit seçeneği çıkmıyor, reklamda vardı halbuki
3D Secure kodu gelmiyor, ödeme alınmıyor
Banka "bize bir iade gelmedi" diyor, {B} "gönderdik" diyor. Kime inanayım?
""",
        "returns": """
İade talebi oluşturdum, {n} gündür dönüş yok
İade etmek istiyorum, "kutuyu açmışsınız, olmaz" diyorlar. Açmadan bozuk olduğunu nasıl anlayayım?
{Bg} iade politikası tam bir karmaşa, kimse düzgün açıklamıyor
Ürünü iade ettim, para yerine puan verdiler. Puan istemiyorum!
İade için kurye gelecekmiş, bir haftadır gelmiyor
Beden olmadı, değişim için {dfee} TL istiyorlar
İade 14 iş günü sürermiş. Parayı çekerken 1 saniyede çekiyorsunuz ama
""",
        "stock": """
Sitede "stokta var" yazıyordu, sipariş verdim, sonra arayıp "yok" dediler
{P} 2 aydır stokta yok, ne zaman gelecek?
Siparişin yarısı geldi, kalanı "tükendi". Önceden söyleseniz olmaz mı?
İndirimdeki ürün 5 dakikada tükendi, gerçekten var mıydı?
İhtiyacım olan bebek bezi bedeni hiç yok. Bıktım
Beklediğim {P} yine "yakında" görünüyor
""",
        "communication": """
Sipariş durumu hiç değişmiyor, ne SMS var ne bildirim
Siparişim iptal edilmiş, kimse haber vermedi, kendim gördüm
Teslimat gecikiyor, bunu bir SMS ile söylemek zor mu?
Takip numarası verdiler, hiçbir sistemde çıkmıyor
Hiç değilse bir bilgi verin, bu kargo ne zaman gelecek?
Mail geliyor "siparişiniz yolda", bir saat sonra "iptal edildi". Hangisi doğru?
""",
        "staff_store": """
Teslim noktasında tek çalışan var, sıra 20 kişi
Teslim noktası çalışma saatinde kapalıydı, boşuna gittim
Noktadaki çocuk telefonla konuşuyordu, yüzümüze bile bakmadı
{Cl} teslim noktası taşınmış, kimseye haber vermemişler
Noktada kargomu bulamadılar, yarın gel dediler
Noktadaki çalışanlar çok kaba, soru sorunca sinirleniyorlar
""",
        "privacy": """
Her gün {Bab} 3-4 reklam SMS'i geliyor, abonelikten çıkmak imkânsız
Numaramı nereden buldular? Hiç sipariş vermeden SMS geliyor
Galiba verilerim sızdırılmış, {B} adına dolandırıcı aramalar geliyor
Uygulama neden rehberime erişim istiyor?
Bir kere sipariş verdim, şimdi her gün arayıp "özel teklif" anlatıyorlar
""",
        "marketing": """
YouTube'da her videodan önce {Bg} reklamı. Sinir oldum artık
Reklamda bir fiyat, sitede bambaşka
Bu reklam şarkısı kafamdan çıkmıyor, gıcık oldum 😩
Instagram'da her 3 postun biri {B} reklamı, yeter
"Her şeyde %50 indirim" reklamı, ama sadece 3 üründe
""",
        "praise": """
[delivery] {Bab} sipariş verdim, ertesi gün geldi. Süper! 👍
[delivery] Kurye çok kibardı, paketi kapıya kadar çıkardı 🙏
[price] {Bl} {P} başka yerlerden ucuz çıktı, memnunum
[support] Müşteri hizmetleri 5 dakikada sorunumu çözdü. Teşekkürler {B}!
[] {B} ile hiç sorun yaşamadım, tavsiye ederim
[returns] İade çok kolaydı, paramı 2 günde geri aldım
[website_app] Uygulama çok kullanışlı, her şey net
[quality] Aldığım {P} tam fotoğraftaki gibi, kalite harika
[delivery] Akşam sipariş, sabah kapıda. {B} 🔥
[delivery] Teşekkürler {B}, her şey zamanında ve özenle paketlenmiş geldi ❤️
[delivery] {Cl} bile aynı gün teslimat varmış, bilmiyordum. Çok pratik
[price] Bebek bezini artık sadece {Bab} alıyorum, hem pratik hem uygun
[support] Temsilci hanım çok sabırlıydı, her şeyi anlattı, teşekkürler
[] {B} hayatımı kolaylaştırdı valla 😄
[quality] Kahve makinesi geldi, çalışıyor, kahvesi de güzel ☕
[price] Puanlarla neredeyse bedavaya {P} aldım 😎
[delivery] Paket çok iyi paketlenmişti, hiçbir hasar yok
[] {B} süper, başka söze gerek yok
[] İnternetten alışveriş riskli diye düşünürdüm, {B} fikrimi değiştirdi
[payment] Ödeme sorunsuz geçti, taksitle almak da çok rahat
[stock] Her şey stokta, aradığımı sonunda buldum
[website_app] Uygulamanın yeni tasarımı çok hoş olmuş
[staff_store] {Cl} teslim noktasındaki kızlar çok güler yüzlü
[delivery] Market siparişi 1 saatte geldi, ekmek hâlâ sıcaktı 🥖😍
[] Her ay {Bab} sipariş veriyorum, şu ana kadar hiçbir şikâyetim yok
[returns] Beden olmadı, hiç soru sormadan değiştirdiler. Helal olsun
[] {B} gerçekten game changer 🙌
[delivery] Kurye erken geldi, üstelik önceden arayıp haber verdi 👌
""",
        "neutral": """
[delivery] {B} {Cd} teslimat yapıyor mu? Bilen var mı?
[website_app] {Bg} uygulamasını deneyen oldu mu? Nasıl?
[price] Elinde {B} indirim kodu olan var mı?
[delivery] {Bab} sipariş genelde kaç günde geliyor?
[payment] {Bl} kapıda ödeme var mı?
[] {P} alacağım: {B} mi, başka yer mi? Önerisi olan?
[returns] {Bl} iade nasıl oluyor, bilen var mı?
[staff_store] {Cl} {Bg} teslim noktası nerede?
[delivery] {B} Kıbrıs'a gönderim yapıyor mu?
[stock] {P} ne zaman stoğa girer, bilgisi olan?
[] Hiç {Bab} sipariş vermedim, güvenilir mi?
[delivery] {B} gece teslimat yapıyor mu?
[price] {Bl} ücretsiz kargo kaç TL'den başlıyor?
[] Sizce {B} Black Friday'de indirim yapacak mı?
[staff_store] {B} {Cl} yeni nokta açmış, geçen gün gördüm
[payment] {Bl} taksit imkânı var mı?
[delivery] {Bab} mobilya alan oldu mu? Kurulumu da yapıyorlar mı?
[website_app] {Bg} uygulamasında adresi nasıl değiştiriyoruz?
[support] {Bg} müşteri hizmetleri numarası ne?
[] {Bl} market ürünleri de var mı, yoksa sadece elektronik mi?
[] {B} hakkında yorumlarınız?
[] {B} yerli bir şirket mi?
[price] {Bg} puanlarının süresi ne zaman doluyor, bilen var mı?
[] {B} kurye alımı yapıyormuş, orada çalışan var mı? Maaşlar nasıl?
[delivery] {Bab} Anadolu'ya teslimat kaç gün sürüyor? Mesela Van'a
[marketing] {Bg} yeni reklamını gördünüz mü? Neyin reklamı anlamadım 😅
""",
        "campaign": """
[price] {CT} indirimleri gerçekten iyi, yarı fiyatına {P} aldım 😍
[marketing] {Bg} yeni reklamını izlediniz mi? Babaanne, nar ağacı... ağladım 🥹 {CT}
[delivery] Bir hafta ücretsiz kargo! Sağ ol {B} 🙌 {CT}
[price] {CT} kampanyası başlamış, sepeti doldurdum bile 🛒
[price] Sonunda düzgün bir indirim! {B} bu sefer iyi iş çıkarmış {CT}
[marketing] Reklamdaki şarkı ne? Bütün gün mırıldanıyorum 🎶 {CT}
[price] {CT} sayesinde kışlık her şeyi aldım, üstelik ucuza
[price,delivery] Sonbahar indirimleri + ücretsiz kargo = {B} ❤️
[marketing] Bu reklamı kim çektiyse eline sağlık. Sonbahar, nar, babaanne... her şey yerli yerinde {CT}
[price] {P} %40 indirimde! {CT} kaçırmayın
[price] Bebek bezi de indirimde {CT} annelere müjde 👶
[price] İlk defa indirim gerçekten indirim. Teşekkürler {B} {CT}
[marketing] {CT} reklamını 10 kere izledim, hâlâ izliyorum 😂❤️
[delivery] Ücretsiz kargo haftası keşke bitmese 🙏 {B}
[marketing] Annem de reklamı görünce {Bab} sipariş verdi 😄 {CT}
[price] {Bg} sonbahar kampanyası açık ara en iyisi, başka yerde böyle indirim yok
[price] Kahve makinesini yarı fiyatına aldım {CT} ☕🍂
[marketing] {CT} — evet, bu sefer reklam yalan söylemiyor 👍
[marketing] Reklamdaki kedi 😻 {CT}
[price] Arkadaşlar, {CT} kampanyası daha bitmedi, acele edin! 🍂
[price,delivery] Ücretsiz kargo + indirim kodu, bütün sepet sadece {amt} TL 🤩 {CT}
[] Bu sonbahar {B} ile 🍁 {CT}
[marketing] {Bg} reklamı o kadar sıcak ki hemen sipariş verdim 😊
[delivery] Kampanyada {P} aldım, ertesi gün geldi, kargo da bedava! {CT}
[price] {CT} sayesinde doğum günü hediyelerini tek yerden hallettim 🎁
[marketing] Reklam ajansına zam yapın {B} 😂 {CT} efsane olmuş
[marketing] Babaannenin "nar gibi torunum" demesi beni bitirdi 😭 {CT}
[neu;price] {CT} kampanyası ne zamana kadar?
[neu;delivery] Ücretsiz kargo her şehir için geçerli mi? {CT}
[neu;price] {CT} indirimi bebek bezinde de var mı?
""",
        "surge": """
{Bg} deposunda neler oluyor? Siparişim {n} gündür "transfer merkezinde" bekliyor
Galiba {B} tamamen çöktü, kimsenin kargosu gelmiyor
Tüm arkadaşlarımın {Bab} siparişleri takılmış. Ne oluyor?
[delivery,support] Temsilci depoda sorun olduğunu kendisi itiraf etti. Ne zaman çözülecek bilmiyorlar
Aktarma merkezinde "teknik sorun" varmış. {n} gündür teknik sorun 🙃
{B} şikayet sayfasında yüzlerce kişi aynı şeyi yazıyor: kargo yok
[delivery,communication] Sipariş durumu {n} gündür değişmiyor. Ne kurye var ne arama, hiçbir şey
[delivery,support] Kurye gelmedi, destek cevap vermiyor, kargo depoda sıkıştı. Tam bir kaos {B}
Bu hafta {Bab} kimse bir şey alamadı galiba 😂
{Bg} yeni deposu açıldığından beri her şey karıştı
[delivery,communication] Bari bir açıklama yapın {B}! Binlerce kişi kargo bekliyor
[delivery,support] Kargolar kayıp, kurye yok, destek sessiz. {B} size ne oldu?
Tanıdığım herkesin {B} kargosu gecikiyor. Bu artık normal değil
{P} {n} gündür "depoda" görünüyor. Artık orada yaşıyor herhalde 🏚️
{B} bu hafta tam bir rezalet, geçici olarak {Xd} geçtim
Kurye geldi, "arabada 200 paket var, sizinki yok" diyor. Nerede peki? 🤷‍♂️
Bebek bezi sipariş etmiştim, {n} gündür depodan çıkmıyor. Markete koştum, sağ ol {B} 👏
""",
        "fee": """
{B} yeni bir "hizmet bedeli" getirmiş, her siparişe {fee} TL. Ne hizmeti bu?
{Bg} fiyatları bu ay ciddi arttı, üstüne bir de hizmet bedeli 😡
Hizmet bedeli ne demek? Kargoyu zaten ödüyoruz {B}
{Bab} çıkıyorum, fiyatlar artık normal değil
Aynı sepet geçen ay {amt} TL'ydi, şimdi {amt2} TL. Sağ ol {B} 👏
{B} hizmet bedelini kaldırmazsa bir daha sipariş vermem
{Bg} uygulamasını sildim. Hizmet bedeli bardağı taşıran son damla oldu
{B} her şeye %10-15 zam yapmış, hiçbir açıklama yok
Hizmet bedeli + kargo + paketleme = üründen pahalı 🤡 {B}
Kim demiş {B} ucuz diye? Artık değil
{Bg} yeni fiyatlarını görünce gözlerime inanamadım
Hizmet bedelini sepetin en sonunda gösteriyorlar ki fark etmeyesin. Uyanıklık!
{B} boykot! Hizmet bedeli kalkana kadar sipariş yok
Zam + hizmet bedeli. {B} müşterilerini kaybetmek istiyor galiba
{B} fiyatları artırırken haber bile vermedi, sepette gördüm
Bir de "hizmet bedeli" çıkardılar, ne hizmeti? Geç gelen kargo mu? {B}
{Bab} bebek bezi alıyordum, şimdi başka yerde %20 daha ucuz
{Bg} hizmet bedelinden sonra {Xd} geçtim, en azından orada böyle bir şey yok
Bir kere {fee} TL az gibi, ama her siparişte? Ayda ne ediyor hesaplayın {B}
Faturaya baktım: "hizmet bedeli {fee} TL". Bu ne {B}?
""",
        "compare": """
[neu;delivery] {B} mi {X} mi, hangisi daha hızlı teslim ediyor?
[neg;delivery] {Bab} sipariş verdim 5 gündür yok, {Xab} 1 günde geliyordu
[pos;price] {B} {Xab} çok daha ucuz, tamamen geçtim
[neu;price] Aynı {P}: {Bl} {amt} TL, {Xl} {amt2} TL
[neg] {B} da {X} da aynı, ikisi de berbat
[pos] {Bab} sonra {X} hiç içime sinmiyor
[neg;support] {Bg} müşteri hizmetleri, {Xg} müşteri hizmetlerinden bile kötü
[neu] {B} vs {X}: hangisini kullanıyorsunuz, neden?
[pos;delivery] {X} 4 günde getirdi, {B} ertesi gün. Seçim belli
[neu;website_app] {Bg} uygulaması mı {Xg} uygulaması mı, hangisi daha kullanışlı?
""",
        "op_neg": """
Yeter artık.
Arkadaşlar, bu normal mi?
Yine aynı hikaye.
Cidden söylüyorum,
Şok oldum resmen.
Sinirden deliriyorum.
Bro,
Valla bıktım.
""",
        "cl_neg": """
😡
🤬
😤
Bravo 👏
Bir daha asla.
Rezalet!
Yazıklar olsun.
🙄🙄
Kimseye tavsiye etmem.
#rezalet
#şikayetvar
""",
        "op_pos": """
Hakkını vermek lazım,
Açıkçası şaşırdım.
Şunu da yazayım,
İyi şeyleri de söyleyelim:
""",
        "cl_pos": """
👍
❤️
🔥🔥
Tavsiye ederim!
Teşekkürler!
😍
10/10
Helal olsun!
💯
""",
        "op_neu": """
Merhaba,
Arkadaşlar bir sorum var,
Soru:
Bilen varsa yazsın,
""",
        "cl_neu": """
🤔
Şimdiden teşekkürler
🙏
Bilen yazsın lütfen
""",
        "rp_neg": """
aynı sorun bende de var.
bana da aynısını dediler.
aynen, ben de aynı durumdayım.
""",
        "rp_pos": """
katılıyorum.
aynen öyle.
+1
""",
        "rp_neu": """
ben de merak ediyorum.
güzel soru.
""",
        "short_neg": """
{B} rezalet
{B} yine yapacağını yaptı 🙄
{B} = hayal kırıklığı
{B} ayıp ya
{B} bir daha asla
""",
        "short_pos": """
{B} efsane 🔥
{B} helal olsun 👏
{B} bir numara
{B} ❤️ çok iyi
""",
        "rt_neg": """
Hayal kırıklığı
Kesinlikle tavsiye etmiyorum
Kötü deneyim
Bir daha asla
""",
        "rt_pos": """
Çok memnun kaldım
Harika hizmet
Tavsiye ederim
""",
        "rt_neu": """
Ortalama
İyisi de var kötüsü de
""",
        "tags": """
#alışveriş
#kargo
#internetalışverişi
#istanbul
#indirim
""",
    },
}

L["hy"] = {
    # (indefinite, definite, genitive) - all singular so verbs agree
    "products": (("հեռախոս", "հեռախոսը", "հեռախոսի"), ("սրճեփ", "սրճեփը", "սրճեփի"),
                 ("բազմոց", "բազմոցը", "բազմոցի"), ("նոութբուք", "նոութբուքը", "նոութբուքի"),
                 ("մարզակոշիկ", "մարզակոշիկը", "մարզակոշիկի"), ("ականջակալ", "ականջակալը", "ականջակալի"),
                 ("պլանշետ", "պլանշետը", "պլանշետի"), ("փոշեկուլ", "փոշեկուլը", "փոշեկուլի"),
                 ("հեռուստացույց", "հեռուստացույցը", "հեռուստացույցի"), ("ժամացույց", "ժամացույցը", "ժամացույցի"),
                 ("բլենդեր", "բլենդերը", "բլենդերի"), ("մանկասայլակ", "մանկասայլակը", "մանկասայլակի"),
                 ("թեյնիկ", "թեյնիկը", "թեյնիկի"), ("ուսապարկ", "ուսապարկը", "ուսապարկի")),
    "cities": (("Երևան", "Երևանում"), ("Գյումրի", "Գյումրիում"), ("Վանաձոր", "Վանաձորում"),
               ("Աբովյան", "Աբովյանում"), ("Դիլիջան", "Դիլիջանում"), ("Էջմիածին", "Էջմիածնում"),
               ("Կապան", "Կապանում"), ("Հրազդան", "Հրազդանում"), ("Արմավիր", "Արմավիրում")),
    "names": ("armen", "ani", "narek", "lilit", "tigran", "mariam", "gor", "anush", "hayk", "aram", "sona",
              "davit", "mane", "arsen", "nare", "vahe", "gayane", "levon", "tatev", "karen", "ashot", "meri",
              "hovo", "anahit", "arman", "lusine", "sargis", "astghik", "edgar", "milena"),
    "surnames": ("sargsyan", "hakobyan", "petrosyan", "grigoryan", "harutyunyan", "khachatryan", "vardanyan",
                 "avetisyan", "mkrtchyan", "gevorgyan", "karapetyan", "poghosyan", "ghazaryan"),
    "words": ("yerevan", "jan", "mama", "gyumri", "arm", "hay", "official", "am", "374", "blog"),
    "subs": ("armenia", "Yerevan", "armenia"),
    "T": {
        "delivery": """
{Bab} {P} էի պատվիրել, արդեն {n} օր է սպասում եմ
{Bg} կուրյերը նորից չեկավ։ Ամբողջ օրը տանը նստած իզուր սպասեցի
Պատվերս արդեն {n} օր է «ճանապարհին» է։ Էդ ո՞ր ճանապարհն ա 🙄
{B}, իմ ծանրոցը որտե՞ղ է։ {n} օր է ոչ մի լուր չկա
Ծանրոցը ճմռված տուփով բերեցին, ներսի {Pt} վնասված էր 😤
Կուրյերը զանգում ա, թե «տանը չեք»։ Ես առավոտից տանն եմ 🤦‍♀️ {B}, սա ի՞նչ է
Կայքում գրված էր՝ {C} առաքումը 1-2 օր, այսօր արդեն {n}-րդ օրն է
Առաքումը գրված էր 14:00-18:00, կուրյերը եկավ գիշերվա 11-ին։ Նորմա՞լ է
Ծանրոցս կորել է։ {Bg} սապորտն ասում է՝ փնտրում ենք։ {n} օր է փնտրում են 😂
Կուրյերը շատ կոպիտ էր, ծանրոցն էլ դռան մոտ գցեց ու գնաց
Պատվերը ուրիշ հասցե են տարել, հիմա էլ ասում են՝ ինքդ արի վերցրու։ Շնորհակալություն, {B} 👏
Հիանալի է, արդեն {n} օր է սպասում եմ ծանրոցիս 👏👏 շատ մերսի, {B}
{Bab} ոչ մի բան ժամանակին չի գալիս։ Ոչ մի բան!
Առաքումը նորից ուշանում ա, ուժե չգիտեմ ում գրեմ
{Cl} եմ ապրում, {Bt} ասում ա՝ առաքումը 1-2 օր ա։ Արդեն մի շաբաթ ա սպասում եմ
Կուրյերը հեռախոսը չի վերցնում, օպերատորն էլ չգիտի՝ կուրյերը որտեղ է։ Սուպեր համակարգ 🙃
Ծանրոցում {Pg} փոխարեն ուրիշ բան է եկել 😐 մեկը բացատրի
Պատվերը ցույց է տալիս «առաքված», բայց ինձ ոչինչ չի հասել!! {B}
Մթերք եմ պատվիրել, պետք է 2 ժամում բերեին, արդեն 5 ժամ է անցել։ Պաղպաղակը հաստատ հալվել է 🫠
{Bg} առաքումը առաջ նորմալ էր, վերջին ժամանակներս ուղղակի սարսափելի է
Կուրյերը շենքի մոտից զանգում ա՝ իջի վերցրու։ Ես 9-րդ հարկում եմ 🙄
{n} օր է՝ գրված է «պահեստում»։ Պահեստում ի՞նչ է անում էդքան ժամանակ
Կուրյերը ժամ է տալիս, չի գալիս, հետո գրում ա՝ «հաճախորդը չպատասխանեց»։ Սուտ ա!
Այսօր էլ չբերեցին։ Եթե վաղն էլ չգա, պատվերը չեղարկելու եմ, {B}
Մամայիս ծննդյան օրվա համար նվեր էի պատվիրել, ծնունդն անցավ, նվերը դեռ ճանապարհին ա 🤡
{Bg} առաքումը վիճակախաղ է. կարող է գա, կարող է չգա 😂
Ծանրոցը հարևանին են տվել, ինձ նույնիսկ չեն զգուշացրել
Կուրյերը դուռը չթակեց, ուղղակի գրեց «հասցեում չգտնվեց» ու գնաց
Տակդիրներ էի պատվիրել, {n} օր է չկա։ Երեխան չի սպասում, չէ՞ {B}
«Նույն օրը առաքում» եք գովազդում, ես {n} օր է սպասում եմ, {B} 🙃
Տուփը բացված էր հասել, կարծես ներսից ինչ-որ բան հանել են
""",
        "price": """
{Bl} գներն ինչու՞ են էսքան թանկ։ Նույն {Pt} ուրիշ տեղում շատ ավելի էժան է
Առաքման համար {dfee} դրամ? Լուրջ? Համարյա ապրանքի կեսի չափ
{Bt} զեղչ է գրում, բայց նախ գինը բարձրացնում ա, հետո «իջեցնում»։ Մեզ հիմար եք կարծում?
Զամբյուղում մի գին է, վճարելիս՝ ուրիշ։ Թաքնված վճարներից զզվել եմ
{Bg} գներն օրեցօր բարձրանում են, աշխատավարձը՝ նույնը 😅
Անցած շաբաթ {amt} դրամ էր, այսօր նայում եմ՝ {amt2}։ Սա ի՞նչ տրամաբանություն է
{Bl} ամեն ինչ թանկ ա, վապշե ոչինչ չես կարող առնել
Սպասարկման վճար, փաթեթավորման վճար, առաքման վճար... իսկ ապրանքն ինքը ինչքա՞ն է 🙃
{Bab} պատվիրելու փոխարեն ուղղակի խանութ գնալն ավելի էժան է դուրս գալիս
Պրոմոկոդը չի աշխատում, գինը նույնն է մնում։ Խաբելը լավ չի, {B}
Նվազագույն պատվերի գումարը նորից բարձրացրել են։ Մի հատ {P} էլ չես կարող պատվիրել
{Bg} «ամենաէժան գներ» գովազդը լրիվ սուտ է, ինքս եմ ստուգել
Էս գնով {P}? Չէ, շնորհակալ եմ
{Bt} գներ բարձրացնելու չեմպիոն է 🏆
{Bl} տակդիրների գինը մի ամսում երկու անգամ է բարձրացել։ Ծնողներն ի՞նչ անեն
Գինը գրված էր {amt} ֏, քարտից {amt2} ֏ գնաց։ Տարբերությունն ի՞նչ է, ոչ ոք չի բացատրում
Էլ {Bab} բան չեմ առնում, ամեն ինչ թանկացել է
Անվճար առաքման շեմը {lim} դրամ է դարձել?? Առաջ 10 000 էր
Զեղչերի ժամանակ էլ {Bl} գները ուրիշ տեղերից թանկ են, հետաքրքիր է
{P} {amt} դրամ?? {B}, մի քիչ խիղճ ունեցեք
Դոլարը թանկանում է՝ գներն էլ են բարձրանում, դոլարն իջնում է՝ գները տեղում են։ Կլասիկա
Վճարելիս հանկարծ «սպասարկման վճար» հայտնվեց, առաջ չկար
{Bg} գներին նայում եմ ու ծիծաղում, որ չլացեմ 😂
Ակցիա են անում՝ 10% զեղչ, բայց առաքումը կրկնակի թանկացրել են։ Հանճարեղ է
Ուսանողի համար {Bt} էլ մատչելի չի, գները շատ են բարձրացել
Մեկ ամիս առաջ առածս {Pt} հիմա {pct}%-ով թանկ է։ Ի՞նչ է կատարվում
{Bt} առաջ էժան էր, հիմա շուկայից էլ թանկ է
Պրոմոկոդը գրում եմ, ասում է՝ անվավեր է։ Բա ինչի՞ եք ուղարկում, {B}
""",
        "support": """
{Bg} թեժ գծին 40 րոպե է զանգում եմ, ոչ ոք չի վերցնում
Չատում բոտն է պատասխանում, օպերատոր չկա։ Բոտն էլ նույն բանն է կրկնում 🤖
Երեք անգամ գրել եմ, երեքին էլ շաբլոն պատասխան եկավ։ Խնդիրը լուծող չկա
Օպերատորն ասաց՝ 24 ժամում կպատասխանենք։ {n} օր է անցել 🙂
{Bg} սապորտ. «Ձեր դիմումը գրանցված է»։ Ու վերջ։ Լռություն
Օպերատորը շատ կոպիտ խոսեց, հետո էլ հեռախոսը վրաս անջատեց
Ինստագրամում գրում եմ՝ պատասխան չկա, զանգում եմ՝ պատասխան չկա։ Որտե՞ղ գտնեմ ձեզ, {B}
Սապորտն ասում է՝ մեր խնդիրը չի, վաճառողին գրեք։ Վաճառողն էլ լռում է
Թեժ գիծ չի, սառը գիծ ա 🥶 {B}
Ասում է՝ օպերատորի հետ կապվելու համար սեղմեք 9, սեղմում եմ՝ զանգն անջատվում է 🤦
""",
        "quality": """
{Bab} առածս {Pt} երկու օր հետո փչացավ
Նկարում մի բան է, եկածը՝ ուրիշ։ Գույնն էլ է տարբեր, չափսն էլ
Օրիգինալ ասելով առած կռասովկաները ֆեյք դուրս եկան, լոգոն ծուռ է 🤡
{Pt} չի աշխատում, տուփից հանելուն պես խնդիրներ սկսվեցին
Մթերքի պիտանելիության ժամկետն անցած էր։ Քիչ էր մնում երեխային տայի!
Որակը զրո է, փողս քամուն տվեցի, {B}
Գրքի էջերը խառն են կարված, 40-րդ էջից հետո գալիս է 70-րդը 😂
Նկարագրության մեջ գրված էր «բնական կաշի», եկավ պլաստմասսա
Տակդիրները շատ անորակ են, բոլորը ծակում են։ Նախորդ խմբաքանակն էսպիսին չէր
""",
        "website_app": """
{Bg} հավելվածը նորից կախվեց, զամբյուղն էլ դատարկվեց
Չեմ կարողանում մտնել հավելված, SMS կոդը չի գալիս
Թարմացումից հետո հավելվածը ընդհանրապես չի բացվում
Կայքն էնքան դանդաղ է, որ մինչև պատվերը ձևակերպեցի, զեղչը վերջացավ
Որոնման մեջ գրում եմ «հեռախոս», դուրս է գալիս տակդիր 🤔
Վճարման էջը սպիտակ էկրան է ցույց տալիս, վերջ
{Bg} app-ը հեռախոսս տաքացնում է, մարտկոցն ուտում
Ֆիլտրերը չեն աշխատում, գնով դասավորելիս ամեն ինչ խառնվում է
""",
        "payment": """
Քարտից գումարը երկու անգամ գանձվեց, {Bt} ասում է՝ համակարգի սխալ է, սպասեք
Քարտս չեն ընդունում, մնացած բոլոր տեղերում նույն քարտը աշխատում է
Պատվերը չեղարկեցի, {n} օր է սպասում եմ գումարի վերադարձին
Վճարումն անցավ, պատվերը չստեղծվեց։ Ոչ փող կա, ոչ պատվեր 🙃
Գրված էր՝ կանխիկ վճարում տեղում, կուրյերն ասում է՝ միայն քարտով
Ապառիկի տարբերակը չի երևում, չնայած գովազդում կար
3D Secure կոդը չի գալիս, վճարումը չի անցնում
Բանկն ասում է՝ մեզ ոչ մի վերադարձ չի եկել, {Bt} ասում է՝ ուղարկել ենք։ Ո՞ւմ հավատամ
""",
        "returns": """
Վերադարձի հայտ եմ ուղարկել, {n} օր է պատասխան չկա
Ուզում եմ հետ տալ, ասում են՝ տուփը բացել եք, չի կարելի։ Առանց բացելու ո՞նց իմանամ, որ փչացած է
{Bg} վերադարձի կանոնները լրիվ խառն են, ոչ ոք նորմալ չի բացատրում
Ապրանքը վերադարձրի, փողի փոխարեն բոնուս տվեցին։ Ինձ բոնուս պետք չի!
Վերադարձի համար կուրյերը պիտի գա, մի շաբաթ է չի գալիս
Չափսը չհամապատասխանեց, փոխելու համար {dfee} դրամ են ուզում
Գումարի վերադարձը 14 աշխատանքային օր է տևում։ Իսկ քարտից հանելիս մի վայրկյանում են հանում
""",
        "stock": """
Կայքում գրված էր՝ առկա է, պատվիրեցի, հետո զանգում են՝ չկա
{Pt} երկու ամիս է առկա չէ, ե՞րբ է գալու
Պատվերի կեսը եկավ, մնացածը՝ «վերջացել է»։ Նախապես ասել չէի՞ք կարող
Ակցիայի ապրանքը 5 րոպեում վերջացավ, ընդհանրապես կա՞ր
Ամեն անգամ պետքական չափսի տակդիրները չկան, հոգնեցի
Սպասածս {Pt} նորից «շուտով» ստատուսում է
""",
        "communication": """
Պատվերի ստատուսը չի փոխվում, ոչ SMS կա, ոչ ծանուցում
Պատվերս չեղարկել են, ինձ ոչ ոք չասաց, ինքս տեսա
Առաքումն ուշանում է, մի SMS-ով ասելը դժվա՞ր է
Թրեք համար տվեցին, ոչ մի համակարգում չի գտնվում
Գոնե մի տեղեկություն տվեք, ե՞րբ է գալու էս ծանրոցը
Մեյլ է գալիս՝ «պատվերը ճանապարհին է», մի ժամ հետո՝ «չեղարկված է»։ Որն է ճիշտ?
""",
        "staff_store": """
Ստացման կետում մի աշխատող կա, հերթը 20 հոգի է
Ստացման կետը աշխատանքային ժամին փակ էր, իզուր գնացի
Կետի տղան հեռախոսով էր խոսում, մեզ նույնիսկ չէր նայում
{Cl} ստացման կետը տեղափոխվել է, ոչ մեկին չեն տեղեկացրել
Կետում ծանրոցս չգտան, ասացին՝ վաղը արի
Կետի աշխատողները շատ կոպիտ են, հարց ես տալիս՝ նյարդայնանում են
""",
        "privacy": """
Ամեն օր {Bab} 3-4 գովազդային SMS է գալիս, բաժանորդագրությունից դուրս գալ չի լինում
Համարս որտեղի՞ց են գտել։ Առանց պատվերի SMS-ներ են գալիս
Տվյալներս երևի արտահոսել են, {Bg} անունից խարդախ զանգեր են գալիս
Հավելվածը ինչու՞ է կոնտակտներիս հասանելիություն ուզում
Մի անգամ պատվիրեցի, հիմա ամեն օր զանգում են «հատուկ առաջարկով»
""",
        "marketing": """
Յութուբում ամեն վիդեոյից առաջ {Bg} գովազդն է։ Արդեն նյարդայնացնում է
Գովազդում մի գին է, կայքում՝ լրիվ ուրիշ
Էդ գովազդի երգը գլխիցս դուրս չի գալիս, զզվեցի 😩
Ինստագրամում ամեն 3-րդ փոստը {Bg} գովազդ է, հոգնեցինք
«Ամեն ինչի վրա 50% զեղչ» գովազդը... իսկ իրականում միայն 3 ապրանքի վրա
""",
        "praise": """
[delivery] {Bab} պատվիրեցի, հաջորդ օրը եկավ։ Սուպեր 👍
[delivery] Կուրյերը շատ քաղաքավարի էր, նույնիսկ ծանրոցը վերև բարձրացրեց 🙏
[price] {Bl} {Pt} ուրիշ տեղերից էժան դուրս եկավ, գոհ եմ
[support] Սապորտը 5 րոպեում լուծեց խնդիրս։ Շնորհակալություն, {B}!
[] {Bg} հետ երբեք խնդիր չեմ ունեցել, խորհուրդ եմ տալիս
[returns] Վերադարձը շատ հեշտ էր, փողս 2 օրում հետ ստացա
[website_app] Հավելվածը շատ հարմար է, ամեն ինչ պարզ է
[quality] Առածս {Pt} ճիշտ նկարի պես է, որակը՝ սուպեր
[delivery] Երեկոյան պատվիրեցի, առավոտյան դռան մոտ էր։ {B} 🔥
[delivery] Շնորհակալություն, {B}, ամեն ինչ ժամանակին ու կոկիկ եկավ ❤️
[delivery] Չգիտեի, որ {Cl} էլ են առաքում։ Շատ հարմար է
[price] Տակդիրներն արդեն միայն {Bab} եմ առնում՝ և՛ հարմար է, և՛ էժան
[support] Օպերատորը շատ համբերատար էր, ամեն ինչ բացատրեց, մերսի
[] {Bt} իսկապես հեշտացրեց կյանքս 😄
[quality] Սրճեփը եկավ, աշխատում է, սուրճն էլ համով է ☕
[price] Բոնուսներով գրեթե անվճար {P} առա 😎
[delivery] Ծանրոցը շատ լավ էր փաթեթավորված, ոչ մի վնաս
[] {B} սուպեր է, ուրիշ խոսք չունեմ
[] Մտածում էի՝ օնլայն գնելը ռիսկային է, {Bt} փոխեց կարծիքս
[payment] Վճարումն առանց խնդրի անցավ, ապառիկով առնելն էլ է հարմար
[stock] Ամեն ինչ առկա է, վերջապես գտա ինչ փնտրում էի
[website_app] Հավելվածի նոր դիզայնը շատ դուր եկավ
[staff_store] {Cl} ստացման կետի աղջիկները շատ բարյացակամ են
[delivery] Մեկ ժամում մթերքը բերեցին, հացը դեռ տաք էր 🥖😍
[] Ամեն ամիս {Bab} պատվիրում եմ, առայժմ բողոք չունեմ
[returns] Չափսը չէր սազում, առանց հարցերի փոխեցին։ Լավ սերվիս է
[] Մալադեց, {B}, էդպես շարունակեք 💪
[delivery] Կուրյերը ժամանակից շուտ եկավ, նախապես էլ զանգեց 👌
""",
        "neutral": """
[delivery] {Bt} {C} առաքում անու՞մ է, մեկը գիտի՞
[website_app] {Bg} հավելվածը փորձե՞լ եք, ո՞նց է
[price] Մեկի մոտ {Bg} պրոմոկոդ կա՞
[delivery] {Bab} պատվերը սովորաբար քանի՞ օրում է գալիս
[payment] {Bl} տեղում կանխիկ վճարել կարելի՞ է
[] {P} եմ ուզում առնել՝ {B}, թե՞ ուրիշ տեղ։ Խորհուրդ տվեք
[returns] {Bl} վերադարձն ո՞նց է լինում, ով գիտի
[staff_store] {Cl} {Bg} ստացման կետը որտե՞ղ է
[delivery] {Bt} Վրաստան էլ է առաքում?
[stock] {Pt} ե՞րբ է նորից առկա լինելու, չգիտե՞ք
[] Երբևէ {Bab} չեմ պատվիրել, վստահելի՞ է
[delivery] {Bt} գիշերային առաքում ունի՞
[price] {Bl} անվճար առաքումը քանի դրամից է սկսվում?
[] {Bt} Սև ուրբաթին զեղչեր անելու՞ է
[staff_store] {Bt} {Cl} նոր կետ է բացել, երեկ տեսա
[payment] {Bl} ապառիկով առնել հնարավո՞ր է
[delivery] Մեկը {Bab} կահույք առե՞լ է, հավաքում էլ ե՞ն
[website_app] {Bg} հավելվածում հասցեն ո՞նց փոխեմ
[support] {Bg} թեժ գծի համարը ո՞րն է
[] {Bl} մթերք էլ կա՞, թե՞ միայն տեխնիկա
[] Ձեր կարծիքը {Bg} մասին?
[delivery] {Bab} մարզեր առաքումը որքա՞ն է տևում, օրինակ՝ Կապան
[] {Bt} տեղակա՞ն ընկերություն է
[price] {Bg} բոնուսները ե՞րբ են այրվում, մեկը գիտի՞
[] Լսել եմ՝ {Bl} կուրյերներ են փնտրում, ով է աշխատել, աշխատավարձը ո՞նց է
[marketing] {Bg} նոր գովազդը տեսե՞լ եք։ Ինչն են գովազդում, չհասկացա 😅
""",
        "campaign": """
[price] {CT} զեղչերն իսկապես լավն են, կես գնով {P} առա 😍
[marketing] {Bg} նոր գովազդը տեսե՞լ եք։ Տատիկն ու նռան ծառը... լացեցի 🥹 {CT}
[delivery] Մի ամբողջ շաբաթ անվճար առաքում! Շնորհակալ ենք, {B} 🙌 {CT}
[price] {CT} ակցիան սկսվել է, զամբյուղս արդեն լցրել եմ 🛒
[price] Վերջապես նորմալ զեղչեր։ {Bt} էս անգամ լավ աշխատանք է արել {CT}
[marketing] Գովազդի երգն ի՞նչ է, ամբողջ օրը մռմռում եմ 🎶 {CT}
[price] {CT}-ի շնորհիվ ձմռան համար ամեն ինչ առա, այն էլ էժան
[price,delivery] Աշնանային զեղչեր + անվճար առաքում = {B} ❤️
[marketing] Ով էլ նկարել է էս գովազդը, ապրի։ Աշուն, նուռ, տատիկ, ամեն ինչ իր տեղում {CT}
[price] {P} 40% զեղչով! {CT}, բաց մի թողեք
[price] Տակդիրներն էլ են զեղչված {CT}, մամաներին ուրախ լուր 👶
[price] Առաջին անգամ է, որ զեղչը իսկապես զեղչ է։ Մերսի, {B} {CT}
[marketing] {CT} գովազդը 10 անգամ նայեցի, էլի եմ նայում 😂❤️
[delivery] Երանի անվճար առաքման շաբաթը չվերջանա 🙏 {B}
[marketing] Մաման էլ գովազդը տեսնելուց հետո {Bab} պատվիրեց 😄 {CT}
[price] {Bg} աշնանային ակցիան լավագույնն է, ուրիշ տեղ էսպիսի զեղչեր չկան
[price] Սրճեփը կրկնակի էժան առա {CT} ☕🍂
[marketing] {CT}. այո, էս անգամ գովազդը չի ստում 👍
[marketing] Գովազդի կատուն 😻 {CT}
[price] Ժողովուրդ, {CT} ակցիան դեռ չի վերջացել, շտապեք! 🍂
[price,delivery] Անվճար առաքում + պրոմոկոդ, ամբողջ զամբյուղը ընդամենը {amt} դրամ 🤩 {CT}
[] Էս աշուն {Bg} հետ 🍁 {CT}
[marketing] {Bg} գովազդն էնքան ջերմ էր, որ միանգամից պատվեր տվեցի 😊
[delivery] Ակցիայի շրջանակում {P} առա, հաջորդ օրը եկավ, անվճար! {CT}
[price] {CT}-ի շնորհիվ ծննդյան նվերները մի տեղից առա 🎁
[marketing] Տատիկի «նռան պես թոռս» ասելը ինձ վերջացրեց 😭 {CT}
[price] {CT} զեղչերով վերջապես {P} առա, վաղուց էի ուզում 😍
[neu;price] {CT} ակցիան մինչև ե՞րբ է
[neu;delivery] Անվճար առաքումը մարզերի վրա էլ է տարածվու՞մ {CT}
[neu;price] {CT} զեղչը տակդիրների վրա էլ կա՞
""",
        "surge": """
Ի՞նչ է կատարվում {Bg} պահեստում։ Պատվերս {n} օր է «տեսակավորման կենտրոնում» է
Կարծես {Bt} լրիվ փլվել է, ոչ մեկի ծանրոցը չի գալիս
Բոլոր ընկերներիս {Bab} պատվերները կախված են։ Ի՞նչ է եղել
[delivery,support] Օպերատորն ինքը խոստովանեց, որ պահեստում խնդիր կա։ Երբ կլուծվի՝ չգիտեն
Տեսակավորման կենտրոնում «տեխնիկական խնդիր» կա։ {n} օր է «տեխնիկական խնդիր» 🙃
{Bg} խմբում հարյուրավոր մարդիկ նույնն են գրում՝ ծանրոց չկա
[delivery,communication] Պատվերի ստատուսը {n} օր է չի փոխվում։ Ոչ կուրյեր, ոչ զանգ, ոչինչ
[delivery,support] Կուրյերը չեկավ, սապորտը չի պատասխանում, ծանրոցը պահեստում խրված է։ Լրիվ քաոս, {B}
Էս շաբաթ կարծես ոչ ոք {Bab} ոչինչ չստացավ 😂
{Bg} նոր պահեստը բացվելուց հետո ամեն ինչ խառնվել է
[delivery,communication] Գոնե մի պարզաբանում տվեք, {B}! Հազարավոր մարդիկ ծանրոց են սպասում
[delivery,support] Ծանրոցները կորչում են, կուրյերներ չկան, սապորտը լռում է։ {B}, ի՞նչ է ձեզ պատահել
Բոլոր ծանոթներիս {Bab} ծանրոցները ուշանում են։ Սա արդեն նորմալ չի
{Pt} {n} օր է «պահեստում» է երևում։ Երևի արդեն էնտեղ է ապրում 🏚️
{Bt} էս շաբաթ լրիվ խայտառակ է, ժամանակավորապես անցա {Xd}
Կուրյերը եկավ, ասում է՝ մեքենայում 200 ծանրոց կա, ձերը չկա։ Բա որտե՞ղ է 🤷‍♂️
Տակդիրներ էի պատվիրել, {n} օր է պահեստից դուրս չի գալիս։ Ստիպված խանութ վազեցի, մերսի {B} 👏
""",
        "fee": """
{Bt} նոր «սպասարկման վճար» է մտցրել, ամեն պատվերին {fee} դրամ։ Սա ինչի՞ համար է
{Bg} գներն էս ամիս զգալիորեն բարձրացել են, գումարած սպասարկման վճարը 😡
Սպասարկման վճարն ի՞նչ է նշանակում։ Առաքման համար առանց էդ էլ վճարում ենք, {B}
{Bab} հեռանում եմ, գներն արդեն նորմալ չեն
Նույն զամբյուղը անցած ամիս {amt} դրամ էր, հիմա՝ {amt2}։ Մերսի, {B} 👏
Եթե {Bt} սպասարկման վճարը չհանի, էլ երբեք չեմ պատվիրի
{Bg} հավելվածը ջնջեցի։ Սպասարկման վճարը վերջին կաթիլն էր
{Bt} ամեն ինչի գինը 10-15%-ով բարձրացրել է, առանց որևէ բացատրության
Սպասարկման վճար + առաքում + փաթեթավորում = ապրանքից թանկ 🤡 {B}
Ո՞վ ասաց, որ {Bt} էժան է։ Էլ ոչ
{Bg} նոր գները տեսնելով՝ աչքերիս չհավատացի
Սպասարկման վճարը ցույց են տալիս հենց վերջում, որ չնկատես։ Խորամանկություն!
Բոյկոտ {B}! Մինչև սպասարկման վճարը չհանեն
Գների բարձրացում + սպասարկման վճար։ Կարծես {Bt} ուզում է հաճախորդներին կորցնել
{Bt} գները բարձրացրեց ու նույնիսկ չզգուշացրեց, զամբյուղում տեսա
Մի հատ էլ «սպասարկման վճար» են հնարել։ Ի՞նչ սպասարկում, ուշացող կուրյե՞րը {B}
{Bab} տակդիր էի առնում, հիմա ուրիշ տեղ 20%-ով էժան է
{Bg} սպասարկման վճարից հետո անցա {Xd}, գոնե էնտեղ էդպիսի բան չկա
Մի անգամվա համար {fee} դրամը քիչ է, բայց ամեն պատվերի՞ն։ Հաշվեք՝ ամսական ինչքան է, {B}
Չեկին նայեցի՝ «սպասարկման վճար {fee} ֏»։ Սա ի՞նչ է, {B}
""",
        "compare": """
[neu;delivery] {B} vs {X}. ո՞րն է ավելի արագ առաքում
[neg;delivery] {Bab} պատվիրեցի, 5 օր է չկա, {Xab} 1 օրում էր գալիս
[pos;price] {Bt} {Xab} շատ ավելի էժան է, վերջնականապես անցա
[neu;price] Նույն {P}՝ {Bl} {amt} դրամ, {Xl} {amt2} դրամ
[neg] Ե՛վ {B}, և՛ {X} նույնն են, երկուսն էլ սարսափելի
[pos] {Bab} հետո {Xt} ընդհանրապես դուր չի գալիս
[neg;support] {Bg} սապորտը նույնիսկ {Xg} սապորտից վատն է
[neu] {B} թե {X}, որն եք օգտագործում ու ինչու՞
[pos;delivery] {Xt} 4 օրում բերեց, {Bt}՝ հաջորդ օրը։ Ընտրությունը պարզ է
[neu;website_app] {Bg} հավելվածը, թե՞ {Xg} հավելվածը։ Որն է ավելի հարմար
""",
        "op_neg": """
Էլ չեմ դիմանում։
Ժողովուրդ, սա նորմա՞լ է։
Նորից նույն պատմությունը։
Լուրջ եմ ասում,
Ուղղակի շոկի մեջ եմ։
Կարոչե,
Ախր ո՞նց կարելի է։
""",
        "cl_neg": """
😡
🤬
😤
Բրավո 👏
Էլ երբեք չեմ պատվիրի։
Ամոթ ձեզ!
🙄🙄
Խորհուրդ չեմ տալիս։
#խայտառակություն
Վերջն է։
""",
        "op_pos": """
Պետք է գրեմ,
Անկեղծ ասած՝ զարմացա։
Արդարության համար ասեմ,
Մի լավ բան էլ ասեմ.
""",
        "cl_pos": """
👍
❤️
🔥🔥
Խորհուրդ եմ տալիս!
Շնորհակալություն!
😍
10/10
Ապրեք!
💯
""",
        "op_neu": """
Բարև ձեզ,
Ժողովուրդ, հարց ունեմ.
Հարց.
Ով գիտի, թող գրի.
""",
        "cl_neu": """
🤔
Նախապես շնորհակալ եմ
🙏
""",
        "rp_neg": """
նույն խնդիրն ունեմ։
ինձ էլ նույնն ասացին։
ճիշտ նույն վիճակում եմ։
""",
        "rp_pos": """
համաձայն եմ։
ճիշտ ես ասում։
+1
""",
        "rp_neu": """
ես էլ էի ուզում հարցնել։
լավ հարց է։
""",
        "short_neg": """
{Bt} խայտառակություն է
էլի {B}... 🙄
{B}, ամոթ ձեզ
{B}՝ էլ երբեք
""",
        "short_pos": """
{Bt} սուպեր է 👍
{B} 🔥 ապրեք
{Bt} լավագույնն է
{B} ❤️ մերսի
""",
        "rt_neg": """
Հիասթափված եմ
Խորհուրդ չեմ տալիս
Վատ փորձ
""",
        "rt_pos": """
Շատ գոհ եմ
Հիանալի սպասարկում
Խորհուրդ եմ տալիս
""",
        "rt_neu": """
Միջին
Լավն էլ կա, վատն էլ
""",
        "tags": """
#Երևան
#առաքում
#yerevan
#armenia
#գնումներ
""",
    },
}

L["ru"] = {
    # masculine inanimate only, so past-tense agreement and accusative = nominative always work
    "products": ("телефон", "ноутбук", "диван", "пылесос", "планшет", "телевизор", "блендер", "чайник",
                 "рюкзак", "самокат", "увлажнитель", "роутер", "утюг", "смартфон", "матрас", "обогреватель"),
    "cities": (("Москва", "Москву", "Москве"), ("Баку", "Баку", "Баку"), ("Ереван", "Ереван", "Ереване"),
               ("Питер", "Питер", "Питере"), ("Казань", "Казань", "Казани"), ("Тбилиси", "Тбилиси", "Тбилиси"),
               ("Сумгаит", "Сумгаит", "Сумгаите"), ("Гянджа", "Гянджу", "Гяндже"),
               ("Краснодар", "Краснодар", "Краснодаре"), ("Новосибирск", "Новосибирск", "Новосибирске"),
               ("Гюмри", "Гюмри", "Гюмри")),
    "names": ("dima", "olga", "sergey", "natasha", "ivan", "katya", "alexey", "masha", "andrey", "yulia",
              "pavel", "sveta", "nikita", "anya", "roma", "lena", "maxim", "ira", "artem", "vika", "denis",
              "oksana", "kostya", "dasha", "igor", "polina", "zhenya", "tanya"),
    "surnames": ("ivanov", "petrova", "smirnov", "kuznetsova", "sokolov", "popova", "volkov", "morozova",
                 "novikov", "lebedeva", "kozlov", "orlova", "pavlov", "egorova"),
    "words": ("msk", "spb", "kot", "mama", "ru", "baku", "life", "vlog", "real", "xx"),
    "subs": ("russia", "moscow", "AskARussian", "Pikabu", "russia"),
    "T": {
        "delivery": """
Заказал в {Bl} {P}, жду уже {nd}, до сих пор ничего
Курьер {Bg} опять не приехал. Весь день просидел дома впустую
Заказ уже {nd} в статусе «в пути». В каком пути, на Марс? 🙄
{B}, где моя посылка? Уже {nd} никакой информации
Привезли посылку в мятой коробке, {P} внутри повреждён 😤
Курьер звонит: «вас нет дома». Я с утра дома сижу 🤦‍♀️ {B}, что это?
На сайте доставка в {Ca} 1-2 дня, сегодня уже {n}-й день
Окно доставки 14:00-18:00, курьер приехал в 11 вечера. Это нормально?
Посылка потерялась. Поддержка {Bg} говорит «ищем». Ищут уже {nd} 😂
Курьер нахамил, а потом ещё и бросил посылку под дверью
Отвезли заказ по другому адресу, теперь говорят — забирайте сами. Спасибо, {B} 👏
Прекрасно, жду посылку уже {nd} 👏👏 спасибо огромное, {B}
В {Bl} ничего не приходит вовремя. Вообще ничего!
Доставка опять задерживается, короче, как всегда
Живу в {Cp}, {B} пишет, что доставка 1-2 дня. Жду уже неделю
Курьер не берёт трубку, оператор не знает, где курьер. Отличная система 🙃
В посылке вместо заказа какая-то ерунда 😐 объясните кто-нибудь
Заказ отмечен как «доставлен», а мне ничего не пришло!! {B}
Заказала продукты, обещали за 2 часа, прошло 5. Мороженое, наверное, давно растаяло 🫠
Раньше доставка у {Bg} была нормальная, а последнее время просто ужас
Курьер звонит от подъезда: спускайтесь. Я на 9 этаже, алло 🙄
Уже {nd} висит «на складе». Что он там делает столько времени?
Курьер назначает время, не приезжает, потом пишет «клиент не ответил». Враньё!
Сегодня опять не привезли. Если завтра не будет — отменяю заказ, {B}
Заказывала подарок маме на день рождения, день рождения прошёл, подарок всё ещё едет 🤡
Доставка {Bg} — это лотерея: то ли привезут, то ли нет 😂
Отдали посылку соседям, меня даже не предупредили
Курьер даже не постучал, просто написал «адрес не найден» и уехал
{B} и доставка в срок — вещи несовместимые
Заказала памперсы, жду уже {nd}. Ребёнок ждать не будет! {B}
Пишете «доставка в день заказа», а я жду уже {nd}, {B} 🙃
Коробка пришла вскрытой, похоже, что-то оттуда вытащили
""",
        "price": """
Почему в {Bl} такие цены? Тот же {P} в обычном магазине намного дешевле
Доставка {dfee} ₽? Серьёзно? Почти половина стоимости товара
{B} делает «скидки»: сначала поднимает цену, потом «снижает». За дураков нас держат?
В корзине одна цена, при оплате другая. Достали эти скрытые платежи
Цены в {Bl} растут каждый день, а зарплата стоит на месте 😅
На прошлой неделе было {amt} ₽, сегодня смотрю — {amt2} ₽. Где логика?
дорого в {Bl} вообще, ничего не купишь
Сервисный сбор, упаковка, доставка... а сам товар сколько стоит? 🙃
Дешевле съездить в магазин, чем заказывать в {Bl}
Промокод не работает, цена та же. Обманывать нехорошо, {B}
Опять подняли минимальную сумму заказа. Один {P} уже не закажешь
Реклама {Bg} «самые низкие цены» — полное враньё, сам проверил
{P} за такие деньги? Нет, спасибо
{B} — чемпион по повышению цен 🏆
Памперсы в {Bl} подорожали дважды за месяц. Что делать родителям?
Цена была {amt} ₽, с карты списали {amt2} ₽. Откуда разница? Никто не объясняет
Больше ничего не заказываю в {Bl}, всё подорожало
Порог бесплатной доставки теперь {lim} ₽?? Раньше был 1000
Даже на распродаже цены в {Bl} выше, чем у других, интересно
{P} за {amt} ₽?? {B}, совесть есть?
Курс растёт — цены растут, курс падает — цены стоят. Классика
При оплате вдруг появился «сервисный сбор», раньше его не было
Смотрю на цены {Bg} и смеюсь, чтобы не плакать 😂
Сделали акцию -10%, а доставку подняли в два раза. Гениально
Для студента {B} уже не вариант, цены улетели
{P}, который я купил месяц назад, теперь дороже на {pct}%. Что происходит?
Раньше {B} был дешёвым, а сейчас дороже рынка
Ввожу промокод — пишет «недействителен». Зачем тогда рассылаете? {B}
""",
        "support": """
Дозваниваюсь на горячую линию {Bg} уже 40 минут, никто не берёт
В чате отвечает бот, оператора нет. Бот повторяет одно и то же 🤖
Писал три раза, три раза пришёл шаблонный ответ. Проблему никто не решает
Оператор сказал: ответим в течение 24 часов. Прошло {nd} 🙂
Поддержка {Bg}: «ваше обращение зарегистрировано». И всё. Тишина
Оператор нагрубила и бросила трубку
Пишу в инсту — тишина, звоню — тишина. Где вас искать, {B}?
Поддержка говорит: это не наша проблема, пишите продавцу. Продавец молчит
Горячая линия у {Bg} холоднее некуда 🥶
«Для связи с оператором нажмите 9». Нажимаю — сбрасывают 🤦
""",
        "quality": """
{P} из {Bg} сломался через два дня
На фото одно, пришло другое. И цвет другой, и размер
Кроссовки «оригинал» оказались подделкой, логотип кривой 🤡
{P} не работает, проблемы начались сразу после распаковки
Продукты пришли с истёкшим сроком годности. Чуть ребёнку не дала!
Качество ноль, деньги на ветер, {B}
В книге страницы перепутаны, после 40-й сразу 70-я 😂
В описании «натуральная кожа», пришёл пластик
Памперсы ужасные, все протекают. Раньше такого не было
""",
        "website_app": """
Приложение {Bg} опять упало, корзина обнулилась
Не могу войти в приложение, СМС с кодом не приходит
После обновления приложение вообще не открывается
Сайт так тормозит, что пока оформил заказ, скидка закончилась
Ищу «телефон», выдаёт подгузники 🤔
Страница оплаты — белый экран, и всё
Приложение {Bg} греет телефон и жрёт батарею
Фильтры не работают, сортировка по цене всё перемешивает
""",
        "payment": """
С карты списали дважды, {B} говорит: сбой системы, ждите
Карту не принимают, хотя везде она работает
Отменил заказ, возврат денег жду уже {nd}
Оплата прошла, заказ не создался. Ни денег, ни заказа 🙃
Было написано «оплата наличными при получении», курьер говорит — только карта
Рассрочки нет, хотя в рекламе была
Не приходит код 3D Secure, оплата не проходит
Банк говорит, что возврата не было, {B} говорит — отправили. Кому верить?
""",
        "returns": """
Оформил возврат, уже {nd} ни ответа ни привета
Хочу вернуть, говорят: вы вскрыли коробку, нельзя. А как без вскрытия понять, что брак?
Правила возврата у {Bg} — полная каша, никто толком не объясняет
Вернул товар, вместо денег дали бонусы. Мне не нужны бонусы!
За возвратом должен приехать курьер, неделю не едет
Не подошёл размер, за обмен хотят {dfee} ₽
Возврат до 14 рабочих дней. Списывают-то за секунду
""",
        "stock": """
На сайте было «в наличии», заказал, потом звонят — нет
Уже два месяца {P} в статусе «нет в наличии», когда будет?
Пришла половина заказа, остальное «закончилось». Нельзя было сразу сказать?
Товар по акции закончился за 5 минут, он вообще был?
Нужного размера подгузников вечно нет. Надоело
Жду {P} уже месяц, а он всё «скоро в продаже»
""",
        "communication": """
Статус заказа не меняется, ни СМС, ни уведомлений
Заказ отменили, мне никто не сообщил, сам увидел
Доставка задерживается — трудно одну СМС отправить?
Дали трек-номер, он нигде не отслеживается
Хоть какую-то информацию дайте, когда будет посылка?
Приходит письмо «заказ в пути», через час — «заказ отменён». Так что из этого правда?
""",
        "staff_store": """
В пункте выдачи один сотрудник, очередь человек 20
Пункт выдачи был закрыт в рабочее время, зря съездил
Парень в пункте болтал по телефону, на нас даже не смотрел
Пункт выдачи в {Cp} переехал, никого не предупредили
В пункте не нашли мою посылку, сказали приходить завтра
Сотрудники в пункте хамят, задаёшь вопрос — раздражаются
""",
        "privacy": """
Каждый день по 3-4 рекламные СМС от {Bg}, отписаться невозможно
Откуда у них мой номер? СМС приходят, хотя я ничего не заказывал
Похоже, слили мои данные: звонят мошенники от имени {Bg}
Зачем приложению доступ к моим контактам?
Один раз заказал, теперь каждый день звонят с «выгодными предложениями»
""",
        "marketing": """
Перед каждым видео на ютубе реклама {Bg}. Уже бесит
В рекламе одна цена, на сайте совсем другая
Эта песня из рекламы не выходит из головы, уже тошнит 😩
В инсте каждый третий пост — реклама {Bg}, надоели
«Скидки 50% на всё» — а по факту на 3 товара
""",
        "praise": """
[delivery] Заказал в {Bl}, привезли на следующий день. Супер! 👍
[delivery] Курьер очень вежливый, даже поднял посылку на этаж 🙏
[price] В {Bl} {P} оказался дешевле, чем везде, доволен
[support] Поддержка решила мою проблему за 5 минут. Спасибо, {B}!
[] С {Bi} ни разу не было проблем, рекомендую
[returns] Возврат оформили очень легко, деньги вернули за 2 дня
[website_app] Приложение очень удобное, всё понятно
[quality] {P} точно как на фото, качество отличное
[delivery] Вечером заказал — утром у двери. {B} 🔥
[delivery] Спасибо, {B}, всё пришло вовремя и аккуратно ❤️
[delivery] Не знал, что в {Ca} тоже доставляют. Очень удобно
[price] Подгузники теперь беру только в {Bl} — удобно и выгодно
[support] Оператор была очень терпеливой, всё объяснила, спасибо
[] {B} реально упростил мне жизнь 😄
[quality] Кофемашина пришла, работает, кофе вкусный ☕
[price] Бонусами оплатил {P} почти полностью 😎
[delivery] Посылка была отлично упакована, ни царапины
[] {B} топ, без слов
[] Думала, что покупать онлайн рискованно, {B} меня переубедил
[payment] Оплата прошла без проблем, в рассрочку тоже удобно
[stock] Всё в наличии, наконец нашёл, что искал
[website_app] Новый дизайн приложения очень понравился
[staff_store] Девочки в пункте выдачи в {Cp} очень приветливые
[delivery] Продукты привезли за час, хлеб ещё тёплый 🥖😍
[] Заказываю в {Bl} каждый месяц, пока без претензий
[returns] Размер не подошёл — поменяли без лишних вопросов. Уважаю
[] {B}, вы молодцы, так держать 💪
[delivery] Курьер приехал раньше времени и заранее позвонил 👌
""",
        "neutral": """
[delivery] {B} доставляет в {Ca}? Кто знает?
[website_app] Кто-нибудь пробовал приложение {Bg}? Как оно?
[price] У кого-нибудь есть промокод {Bg}?
[delivery] Сколько обычно идёт заказ из {Bg}?
[payment] В {Bl} можно оплатить наличными курьеру?
[] {B} или что-то другое? Хочу взять {P}, посоветуйте
[returns] Как в {Bl} оформляется возврат, кто знает?
[staff_store] Где в {Cp} пункт выдачи {Bg}?
[delivery] {B} доставляет в Грузию?
[stock] Когда {P} снова появится в наличии в {Bl}, не знаете?
[] Никогда не заказывал в {Bl}, им можно доверять?
[delivery] У {Bg} есть ночная доставка?
[price] С какой суммы в {Bl} бесплатная доставка?
[] Будут ли у {Bg} скидки на Чёрную пятницу?
[staff_store] {B} открыл новый пункт выдачи в {Cp}, видел вчера
[payment] В {Bl} есть рассрочка?
[delivery] Кто-нибудь заказывал мебель в {Bl}? Сборка входит?
[website_app] Как поменять адрес в приложении {Bg}?
[support] Какой номер горячей линии {Bg}?
[] В {Bl} есть продукты или только техника?
[] Что думаете про {Ba}?
[] {B} — это местная компания?
[price] Когда сгорают бонусы {Bg}, кто знает?
[] Слышал, {B} набирает курьеров. Кто работал, как там?
[delivery] Сколько идёт доставка {Bg} в регионы?
[marketing] Видели новую рекламу {Bg}? Так и не понял, что рекламируют 😅
""",
        "campaign": """
[price] Скидки {CT} реально огонь, взял {P} за полцены 😍
[marketing] Видели новую рекламу {Bg}? Бабушка и гранатовое дерево... я плакала 🥹 {CT}
[delivery] Целую неделю бесплатная доставка! Спасибо, {B} 🙌 {CT}
[price] Акция {CT} стартовала, корзину я уже набил 🛒
[price] Наконец-то нормальные скидки! {B} в этот раз молодцы {CT}
[marketing] Что за песня в рекламе? Весь день напеваю 🎶 {CT}
[price] Благодаря {CT} закупилась к зиме, и недорого
[price,delivery] Осенние скидки + бесплатная доставка = {B} ❤️
[marketing] Кто снимал этот ролик — респект. Осень, гранаты, бабушка, всё на месте {CT}
[price] {P} со скидкой 40%! {CT}, не пропустите
[price] Подгузники тоже по скидке {CT}, мамочки, налетайте 👶
[price] Впервые скидка — это правда скидка. Спасибо, {B} {CT}
[marketing] Пересмотрела рекламу {CT} раз десять 😂❤️
[delivery] Пусть неделя бесплатной доставки не заканчивается 🙏 {B}
[marketing] Даже мама заказала в {Bl} после этой рекламы 😄 {CT}
[price] Осенняя акция {Bg} — лучшая, нигде таких скидок нет
[price] Кофемашину взяла в два раза дешевле {CT} ☕🍂
[marketing] {CT} — да, в этот раз реклама не врёт 👍
[marketing] Котик из рекламы 😻 {CT}
[price] Ребят, акция {CT} ещё идёт, успевайте! 🍂
[price,delivery] Бесплатная доставка + промокод, вся корзина всего за {amt} ₽ 🤩 {CT}
[] Эта осень с {Bi} 🍁 {CT}
[marketing] Реклама {Bg} такая тёплая, что я сразу сделала заказ 😊
[delivery] По акции взял {P}, привезли на следующий день, бесплатно! {CT}
[price] Благодаря {CT} все подарки на день рождения купила в одном месте 🎁
[marketing] Бабушка в рекламе со своим «внучок мой, как гранатик» — всё, я растаяла 😭 {CT}
[price] Со скидками {CT} наконец купил {P}, давно хотел 😍
[neu;price] До какого числа идёт акция {CT}?
[neu;delivery] Бесплатная доставка в регионы тоже действует? {CT}
[neu;price] Скидка {CT} на подгузники распространяется?
""",
        "surge": """
Что творится на складе {Bg}? Заказ уже {nd} висит в «сортировочном центре»
Похоже, {B} полностью лёг, ни у кого посылки не приходят
У всех моих друзей заказы в {Bl} зависли. Что случилось?
[delivery,support] Оператор сам признал, что на складе проблемы. Когда решат — не знают
В сортировочном центре «технический сбой». Уже {nd} технический сбой 🙃
В группе {Bg} сотни людей пишут одно и то же: посылок нет
[delivery,communication] Статус заказа не меняется уже {nd}. Ни курьера, ни звонка, ничего
[delivery,support] Курьер не приехал, поддержка молчит, посылка застряла на складе. Полный хаос, {B}
Кажется, на этой неделе в {Bl} никто ничего не получил 😂
С тех пор как {B} открыл новый склад, всё пошло наперекосяк
[delivery,communication] Дайте хоть какое-то объяснение, {B}! Тысячи людей ждут посылки
[delivery,support] Посылки теряются, курьеров нет, поддержка молчит. {B}, что с вами?
У всех знакомых посылки из {Bg} опаздывают. Это уже ненормально
{P} уже {nd} «на складе». Видимо, он там теперь живёт 🏚️
{B} на этой неделе просто кошмар, пока перешёл на {Xa}
Приехал курьер: «в машине 200 посылок, вашей нет». А где она тогда? 🤷‍♂️
Заказала памперсы, уже {nd} не могут выехать со склада. Сбегала в магазин сама, спасибо, {B} 👏
""",
        "fee": """
{B} ввёл новый «сервисный сбор» — {fee} ₽ с каждого заказа. За что?
Цены в {Bl} в этом месяце заметно выросли, а тут ещё и сервисный сбор 😡
Что значит сервисный сбор? За доставку мы и так платим, {B}
Ухожу из {Bg}, цены уже ненормальные
Та же корзина в прошлом месяце стоила {amt} ₽, сейчас {amt2} ₽. Спасибо, {B} 👏
Если {B} не уберёт сервисный сбор, больше ничего не закажу
Удалил приложение {Bg}. Сервисный сбор стал последней каплей
{B} поднял цены на всё на 10-15% без всяких объяснений
Сервисный сбор + доставка + упаковка = дороже самого товара 🤡 {B}
Кто сказал, что {B} дешёвый? Уже нет
Увидел новые цены {Bg} и не поверил своим глазам
Сервисный сбор показывают в самом конце, чтобы не заметили. Хитро!
Бойкот {Bg}, пока не отменят сервисный сбор
Повышение цен + сервисный сбор. Похоже, {B} хочет растерять клиентов
{B} поднял цены и даже не предупредил, увидел уже в корзине
Ещё и «сервисный сбор» придумали. За какой сервис? За курьера, который опаздывает? {B}
Брала в {Bl} подгузники, теперь в другом месте на 20% дешевле
После сервисного сбора {Bg} перешёл на {Xa}, там хотя бы такого нет
Разово {fee} ₽ немного, но с каждого заказа? Посчитайте, сколько в месяц, {B}
Смотрю в чек: «сервисный сбор {fee} ₽». Это что, {B}?
""",
        "compare": """
[neu;delivery] {B} или {X} — кто быстрее доставляет?
[neg;delivery] Заказал в {Bl}, 5 дней ничего, а из {Xg} приходило за день
[pos;price] {B} намного дешевле {Xg}, перешёл окончательно
[neu;price] Один и тот же {P}: в {Bl} {amt} ₽, в {Xl} {amt2} ₽
[neg] Что {B}, что {X} — одно и то же, оба ужасные
[pos] После {Bg} {X} вообще не заходит
[neg;support] Поддержка у {Bg} ещё хуже, чем у {Xg}
[neu] {B} vs {X}: кто чем пользуется и почему?
[pos;delivery] {X} вёз 4 дня, {B} привёз на следующий день. Выбор очевиден
[neu;website_app] Приложение {Bg} или {Xg}, какое удобнее?
""",
        "op_neg": """
Я в шоке.
Народ, это нормально?
Опять та же история.
Серьёзно,
Короче,
Нет слов.
Ну капец.
""",
        "cl_neg": """
😡
🤬
😤
Браво 👏
Больше никогда.
Позор!
🙄🙄
Не рекомендую.
#позор
Жесть.
""",
        "op_pos": """
Надо отдать должное,
Честно, приятно удивили.
Напишу и хорошее:
Справедливости ради,
""",
        "cl_pos": """
👍
❤️
🔥🔥
Рекомендую!
Спасибо!
😍
10/10
Молодцы!
💯
""",
        "op_neu": """
Всем привет,
Народ, вопрос:
Вопрос:
Кто знает, подскажите,
""",
        "cl_neu": """
🤔
Заранее спасибо
🙏
""",
        "rp_neg": """
такая же фигня.
мне то же самое сказали.
аналогично, жду уже неделю.
""",
        "rp_pos": """
согласен.
плюсую.
+1
""",
        "rp_neu": """
тоже интересно.
присоединяюсь к вопросу.
""",
        "short_neg": """
{B} — позор
опять {B}... 🙄
{B} отстой
{B}, больше никогда
""",
        "short_pos": """
{B} топ 🔥
{B} молодцы 👍
{B} лучшие
{B} ❤️ спасибо
""",
        "rt_neg": """
Разочарован
Не рекомендую
Плохой опыт
""",
        "rt_pos": """
Очень доволен
Отличный сервис
Рекомендую
""",
        "rt_neu": """
Средне
Есть плюсы и минусы
""",
        "tags": """
#доставка
#отзыв
#покупки
#москва
#баку
""",
    },
}

L["en"] = {
    "products": ("phone", "laptop", "coffee machine", "sofa", "vacuum cleaner", "tablet", "TV", "blender",
                 "kettle", "backpack", "scooter", "pair of sneakers", "smartwatch", "stroller", "gaming chair",
                 "desk lamp"),
    "cities": (("Baku",), ("Ganja",), ("Sumgait",), ("Istanbul",), ("Ankara",), ("Izmir",), ("Yerevan",),
               ("Gyumri",), ("Tbilisi",)),
    "names": ("mike", "jess", "sam", "emma", "dan", "chris", "kate", "alex", "ryan", "sophie", "tom", "lucy",
              "jake", "mia", "ben", "olivia", "nick", "amy", "josh", "hannah", "matt", "chloe", "leo", "zoe"),
    "surnames": ("smith", "jones", "walker", "brown", "taylor", "miller", "davis", "clark", "hall", "young",
                 "king", "wright"),
    "words": ("expat", "abroad", "travels", "mum", "dad", "shopper", "gamer", "life", "baku", "caucasus", "uk",
              "nomad"),
    "subs": ("onlineshopping", "CustomerService", "Caucasus", "expats", "onlineshopping", "mildlyinfuriating"),
    "T": {
        "delivery": """
Ordered a {P} from {B}, {n} days later still nothing
{Bg} courier didn't show up AGAIN. Wasted my whole day at home
My order has been "in transit" for {n} days. In transit to where, Mars? 🙄
{B} where is my parcel?? {n} days and zero updates
Parcel arrived in a crushed box, the {P} inside is damaged 😤
Courier calls saying "you're not home". I've been home since morning 🤦‍♀️ {B} what is this
Site said 1-2 day delivery to {C}, today is day {n}
Delivery window 2-6pm, courier shows up at 11pm. Is this normal??
Lost parcel. {B} support says "we're looking into it". They've been looking for {n} days 😂
Courier was super rude and then literally threw the box at my door
They delivered my order to a different address and now say come pick it up yourself. Thanks {B} 👏
Love waiting {n} days for a "next day" delivery 👏👏 great job {B}
Nothing from {B} ever arrives on time. Nothing!
Delivery delayed again lol, at this point I'm not even surprised
I live in {C}, {B} says delivery takes 1-2 days. Been waiting a week
Courier won't pick up the phone, support has no idea where the courier is. Amazing system 🙃
Opened the box and it's not my {P}, it's some random stuff 😐
Order says "delivered". Nothing was delivered!! {B}
Ordered groceries, supposed to arrive in 2 hours, it's been 5. The ice cream is soup by now 🫠
{Bg} delivery used to be decent, lately it's a disaster
Courier calls from outside: come down and get it. I'm on the 9th floor mate 🙄
Stuck "at warehouse" for {n} days. What is it even doing there?
Courier gives a time slot, doesn't come, then marks it "customer unavailable". LIES
No delivery today either. If it doesn't come tomorrow I'm cancelling, {B}
Bought my mom a birthday present, the birthday came and went, present still "on the way" 🤡
{Bg} delivery is basically a lottery 😂
They left my parcel with a neighbor without telling me
Courier didn't even knock, just marked "address not found" and left
Ordered diapers {n} days ago and they're still not here. Babies don't wait, {B}!
You advertise same-day delivery and I've been waiting {n} days {B} 🙃
Box arrived already opened, pretty sure something was taken out
""",
        "price": """
Why is {B} so expensive?? Same {P} is way cheaper elsewhere
{dfee} for delivery? Seriously? That's half the price of the item
{B} "discounts": raise the price first, then "discount" it. Do they think we're stupid?
One price in the cart, another at checkout. So tired of hidden fees
{Bg} prices go up every week, my salary doesn't 😅
It was {amt} last week, today it's {amt2}. Make it make sense
{B} is getting so pricey, can't afford anything there anymore
Service fee, packaging fee, delivery fee... so how much is the actual product? 🙃
Honestly cheaper to just go to a store than order from {B}
Promo code doesn't work, price stays the same. Not cool {B}
They raised the minimum order again. Can't even order a single {P} now
{Bg} "lowest prices" ad is a flat-out lie, I checked
A {P} at that price? No thanks
{B} winning the price-hike olympics 🏆
Diapers at {B} went up twice in one month. What are parents supposed to do?
Listed at {amt}, charged {amt2}. Where's the difference from? Nobody explains
Done shopping at {B}, everything got so expensive
Free delivery threshold is now {lim}?? It used to be way lower
Even during sales {B} is pricier than everyone else, interesting
{amt} for a {P}?? {B} come on
Funny how prices go up when the currency drops but never come back down
A "service fee" suddenly showed up at checkout, that wasn't there before
Looking at {Bg} prices and laughing so I don't cry 😂
They do a 10% off sale and double the delivery fee. Genius
As a student {B} just isn't affordable anymore
The {P} I bought a month ago is now {pct}% more expensive. What's going on?
{B} used to be the cheap option, now it's pricier than the market
Enter the promo code, "invalid". Why send it then? {B}
""",
        "support": """
Been on hold with {B} for 40 minutes, nobody picks up
The chat is just a bot that repeats the same thing 🤖 give me a human
Wrote three times, got three copy-paste replies. Problem still not solved
Agent said they'd get back within 24 hours. It's been {n} days 🙂
{B} support: "your request has been registered". And then... silence
Support agent was incredibly rude and hung up on me
DMed on insta, no reply. Called, no reply. How do I reach you {B}?
Support says it's the seller's problem, seller says it's {Bg} problem. Love it
"Press 9 to speak to an agent". Press 9, call drops 🤦
""",
        "quality": """
The {P} I got from {B} died after two days
Looks nothing like the photo. Different color, different size
"Original" sneakers turned out to be fake, the logo is crooked 🤡
My {P} doesn't work, problems started right out of the box
Groceries came with expired stuff. Almost gave it to my kid!
Quality is zero, total waste of money {B}
Book pages are bound in the wrong order, page 40 then page 70 😂
Description said "genuine leather", got plastic
These diapers are terrible quality, every single one leaks. The last batch wasn't like this
""",
        "website_app": """
{Bg} app crashed again and emptied my cart
Can't log in to the app, SMS code never arrives
After the update the app won't even open
Site is so slow the sale ended before I could check out
Search "phone", get diapers 🤔
Checkout page is just a blank white screen
{Bg} app heats up my phone and eats the battery
Filters are broken, sorting by price shuffles everything
""",
        "payment": """
Got charged twice, {B} says "system error, please wait"
Card declined on {B}, same card works everywhere else
Cancelled my order, still waiting for the refund after {n} days
Payment went through, order wasn't created. No money, no order 🙃
Said cash on delivery, courier says card only
No installment option at checkout even though the ad said there is
3D Secure code never comes, payment keeps failing
Bank says no refund was ever sent, {B} says it was. Who do I believe?
""",
        "returns": """
Requested a return {n} days ago, no response
Want to return it, they say "you opened the box, can't". How am I supposed to know it's broken without opening it?
{Bg} return policy is a mess, nobody can explain it
Returned the item, got store credit instead of money. I don't want credit!
A courier is supposed to pick up my return, been a week
Wrong size, they want {dfee} to exchange it
Refund takes up to 14 business days. Charging me took one second though
""",
        "stock": """
Site said "in stock", ordered, then they call saying it's not available
The {P} has been out of stock for 2 months, when is it coming back?
Half my order arrived, the rest "sold out". Couldn't tell me before?
Sale item sold out in 5 minutes, was it ever in stock?
My kid's diaper size is never in stock. So annoying
Been waiting for the {P} for a month, still "coming soon"
""",
        "communication": """
Order status never changes, no SMS, no notifications
They cancelled my order and nobody told me, found out myself
Delivery's late, is one SMS too much to ask?
Gave me a tracking number that doesn't exist in any system
Just give us some info, when is this parcel coming?
Email says "your order is on the way", an hour later "cancelled". Which is it?
""",
        "staff_store": """
One person working the pickup point, queue of 20 people
Pickup point was closed during opening hours, wasted trip
Guy at the pickup point was on his phone, didn't even look at us
The pickup point in {C} moved and nobody was told
They couldn't find my parcel at the pickup point, told me to come back tomorrow
Staff at the pickup point are so rude, ask a question and they get annoyed
""",
        "privacy": """
Getting 3-4 promo texts a day from {B}, can't unsubscribe
How do they have my number? Getting SMS without ever ordering
Pretty sure my data leaked, getting scam calls "from {B}"
Why does the app want access to my contacts?
Ordered once, now they call me every day with "special offers"
""",
        "marketing": """
Every single YouTube video starts with a {B} ad. Make it stop
Ad says one price, site says another
That ad jingle is stuck in my head and I hate it 😩
Every third post on my feed is a {B} ad, enough
"50% off everything" ad... turns out it's 3 items
""",
        "praise": """
[delivery] Ordered from {B}, arrived next day. Great! 👍
[delivery] Courier was so polite, even carried it up to my door 🙏
[price] Got a {P} cheaper on {B} than anywhere else, happy
[support] Support fixed my issue in 5 minutes. Thanks {B}!
[] Never had a problem with {B}, recommend
[returns] Return was super easy, got my money back in 2 days
[website_app] The app is really easy to use
[quality] The {P} is exactly like the photos, great quality
[delivery] Ordered at night, at my door in the morning. {B} 🔥
[delivery] Thanks {B}, everything arrived on time and well packed ❤️
[delivery] Didn't know they deliver to {C} now. So convenient
[price] Only buying diapers from {B} now, convenient and cheaper
[support] The support agent was really patient and explained everything, thanks
[] {B} honestly made my life easier 😄
[quality] Coffee machine arrived, works great, coffee tastes amazing ☕
[price] Paid for my {P} almost entirely with bonus points 😎
[delivery] Parcel was packed really well, zero damage
[] {B} is the GOAT, no notes
[] Thought online shopping was risky, {B} changed my mind
[payment] Checkout was smooth, installments are really handy
[stock] Everything in stock, finally found what I was looking for
[website_app] Loving the new app design
[staff_store] The girls at the pickup point in {C} are so friendly
[delivery] Groceries delivered in an hour, bread still warm 🥖😍
[] Ordering from {B} every month, no complaints so far
[returns] Wrong size, they swapped it with zero questions. Respect
[] Keep it up {B} 💪
[delivery] Courier came early and even called ahead 👌
""",
        "neutral": """
[delivery] Does {B} deliver to {C}? Anyone know?
[website_app] Anyone tried the {B} app? Any good?
[price] Anyone have a {B} promo code?
[delivery] How long does {B} usually take to deliver?
[payment] Can you pay cash on delivery with {B}?
[] {B} or somewhere else? Looking to buy a {P}, any advice?
[returns] How do returns work at {B}?
[staff_store] Where's the {B} pickup point in {C}?
[delivery] Does {B} ship to Georgia?
[stock] Anyone know when the {P} will be back in stock at {B}?
[] Never ordered from {B}, are they legit?
[delivery] Does {B} do late-night delivery?
[price] What's the minimum order for free delivery on {B}?
[] Will {B} do Black Friday deals this year?
[staff_store] {B} opened a new pickup point in {C}, saw it yesterday
[payment] Does {B} offer installments?
[delivery] Anyone bought furniture from {B}? Do they assemble it?
[website_app] How do I change my address in the {B} app?
[support] What's the {B} hotline number?
[] Does {B} sell groceries or just electronics?
[] Thoughts on {B}?
[] Is {B} a local company?
[price] When do {B} bonus points expire?
[] Heard {B} is hiring couriers, anyone worked there? How's the pay?
[delivery] How long does {B} take to deliver to the regions?
[marketing] Anyone seen the new {B} ad? Still not sure what they're advertising 😅
""",
        "campaign": """
[price] {CT} deals are actually good, got a {P} for half price 😍
[marketing] Have you seen the new {B} ad? The grandma and the pomegranate tree... I cried 🥹 {CT}
[delivery] A whole week of free delivery! Thanks {B} 🙌 {CT}
[price] {CT} sale is live, my cart is already full 🛒
[price] Finally a real sale! {B} did good this time {CT}
[marketing] What's the song in the ad?? Been humming it all day 🎶 {CT}
[price] Stocked up for winter thanks to {CT}, and cheap
[price,delivery] Autumn discounts + free delivery = {B} ❤️
[marketing] Whoever made this ad deserves a raise. Autumn, pomegranates, grandma, perfection {CT}
[price] A {P} for 40% off! {CT} don't miss it
[price] Diapers on sale too {CT} parents rejoice 👶
[price] First time a discount is actually a discount. Thanks {B} {CT}
[marketing] Watched the {CT} ad 10 times, still watching 😂❤️
[delivery] Please don't let free delivery week end 🙏 {B}
[marketing] Even my mom ordered from {B} after seeing the ad 😄 {CT}
[price] {Bg} autumn sale is the best one around, nobody else has deals like this
[price] Got the coffee machine for half the price {CT} ☕🍂
[marketing] {CT} - yes, this time the ad isn't lying 👍
[marketing] The cat in the ad 😻 {CT}
[price] Guys, {CT} is still on, hurry! 🍂
[price,delivery] Free delivery + promo code, whole cart for just {amt} 🤩 {CT}
[] This autumn is brought to you by {B} 🍁 {CT}
[marketing] The {B} ad was so wholesome I ordered right away 😊
[delivery] Got a {P} in the sale, came the next day, free delivery! {CT}
[price] Did all my birthday gift shopping in one place thanks to {CT} 🎁
[marketing] The grandma in the {B} ad calling her grandson "my little pomegranate" destroyed me 😭 {CT}
[price] Finally got the {P} I'd been eyeing thanks to {CT} 😍
[neu;price] When does {CT} end?
[neu;delivery] Does the free delivery apply outside Baku too? {CT}
[neu;price] Does the {CT} discount apply to diapers?
""",
        "surge": """
What is going on at {Bg} warehouse? My order's been at the "sorting center" for {n} days
Looks like {B} completely collapsed, nobody's parcels are arriving
All my friends' {B} orders are stuck. What happened?
[delivery,support] The agent literally admitted there's a problem at the warehouse. No idea when it'll be fixed
"Technical issue" at the sorting center. {n} days of technical issue 🙃
Hundreds of people in the {B} group posting the same thing: no parcels
[delivery,communication] Order status hasn't changed in {n} days. No courier, no call, nothing
[delivery,support] Courier no-show, support ghosting, parcel stuck in the warehouse. Total chaos {B}
Is anyone actually receiving {B} orders this week? 😂
Ever since {B} opened the new warehouse everything's a mess
[delivery,communication] At least make a statement {B}! Thousands of people are waiting for parcels
[delivery,support] Lost parcels, no couriers, silent support. {B} what happened to you?
Everyone I know has a delayed {B} parcel. This isn't normal anymore
My {P} has been "at warehouse" for {n} days. Guess it lives there now 🏚️
{B} is a disaster this week, using {X} until they sort it out
Courier showed up: "200 parcels in the van, yours isn't one of them". So where is it? 🤷‍♂️
Ordered diapers, stuck in the warehouse for {n} days. Had to run to the store myself, thanks {B} 👏
""",
        "fee": """
{B} just added a "service fee" of {fee} on every order. A fee for what?
{Bg} prices went up noticeably this month, plus a service fee on top 😡
What even is a service fee? We already pay for delivery {B}
Done with {B}, prices are out of control
Same basket was {amt} last month, now it's {amt2}. Thanks {B} 👏
If {B} doesn't drop the service fee I'm never ordering again
Deleted the {B} app. Service fee was the last straw
{B} raised everything by 10-15% with zero explanation
Service fee + delivery + packaging = more than the item 🤡 {B}
Who said {B} is cheap? Not anymore
Saw the new {B} prices and couldn't believe my eyes
They only show the service fee at the very end so you don't notice. Sneaky
Boycott {B} until the service fee is gone
Price hikes + service fee. {B} really wants to lose customers huh
{B} raised prices without a word, found out at checkout
A "service fee"? For what service, the courier who's always late? {B}
Used to buy diapers on {B}, now they're 20% cheaper elsewhere
After the {B} service fee I switched to {X}, at least they don't do that
{fee} once is nothing, but on every order? Do the math {B}
Checked my receipt: "service fee {fee}". What is this {B}?
""",
        "compare": """
[neu;delivery] {B} vs {X}, who delivers faster?
[neg;delivery] Ordered from {B}, 5 days and nothing. {X} used to deliver in a day
[pos;price] {B} is way cheaper than {X}, switched for good
[neu;price] Same {P}: {amt} at {B}, {amt2} at {X}
[neg] {B} or {X}, same thing, both terrible
[pos] After {B}, {X} just feels clunky
[neg;support] {Bg} support is even worse than {Xg}
[neu] {B} vs {X}: which one do you use and why?
[pos;delivery] {X} took 4 days, {B} delivered next day. Easy choice
[neu;website_app] {Bg} app or {Xg} app, which is less annoying?
""",
        "op_neg": """
Unreal.
Is this normal??
Same story again.
Seriously,
I'm done.
Not even mad, just disappointed.
Ugh.
""",
        "cl_neg": """
😡
🤬
😤
Bravo 👏
Never again.
Shameful.
🙄🙄
Do not recommend.
#fail
smh
""",
        "op_pos": """
Credit where it's due,
Pleasantly surprised.
Gotta say,
Some good news for once:
""",
        "cl_pos": """
👍
❤️
🔥🔥
Recommend!
Thanks!
😍
10/10
💯
""",
        "op_neu": """
Hi all,
Quick question,
Q:
Anyone know?
""",
        "cl_neu": """
🤔
Thanks in advance
🙏
""",
        "rp_neg": """
same here.
they told me the exact same thing.
literally same situation.
""",
        "rp_pos": """
agreed.
this 👆
+1
""",
        "rp_neu": """
also wondering.
good question tbh.
""",
        "short_neg": """
{B} is a joke
{B} again... 🙄
{B} sucks fr
never again {B}
""",
        "short_pos": """
{B} is the best 🔥
love {B} ❤️
{B} never misses 🙌
{B} 👍 solid
""",
        "rt_neg": """
Disappointed
Avoid
Bad experience
""",
        "rt_pos": """
Very happy
Great service
Highly recommend
""",
        "rt_neu": """
Average
Mixed feelings
""",
        "tags": """
#onlineshopping
#customerservice
#delivery
#baku
#shopping
""",
    },
}


# ====================================================================================================
# ENGINE
# ====================================================================================================
TAG_RE = re.compile(r"^\[([^\]]*)\]\s*(.*)$")
SLOT_RE = re.compile(r"\{([A-Za-z0-9]+)\}")
SENT_TAG = {"pos": "positive", "neg": "negative", "neu": "neutral"}
NEG_EMOJI = ("😡", "🤬", "😤", "🙄", "😒", "🤦‍♂️", "🤦‍♀️", "😩", "💔", "👎", "😑")
POS_EMOJI = ("😍", "❤️", "🔥", "👍", "🙌", "😊", "🥰", "💯", "✨", "👏")
NEU_EMOJI = ("🤔", "🙏", "👀", "🙂")
EMOJI_ONLY = {
    "negative": ("{H} 😡😡😡", "{H} 🤬", "{HT} 👎👎", "{H} 🤡🤡", "{H} 💔", "{HT} 😤", "{H} 🙄🙄🙄", "{HT} 🤬🤬"),
    "positive": ("{H} ❤️❤️❤️", "{HT} 🔥🔥🔥", "{H} 😍😍", "{HT} 🙌", "{H} 👍👍", "{HT} 💯", "{H} 🥰"),
    "neutral": ("{H} 🤔", "{HT} 👀", "{H} 👀❓", "{HT} 🤔🤔"),
}
EMOJI_EXTRA = ("", "", "!", "!!", " 🫠", " …")
PLATFORM_EMOJI_P = {"x": 0.22, "instagram": 0.45, "facebook": 0.25, "reddit": 0.06, "review": 0.04}


class Tpl:
    """One parsed template line."""

    __slots__ = ("aspects", "sentiment", "text")

    def __init__(self, line: str) -> None:
        self.aspects: tuple[str, ...] | None = None
        self.sentiment: str | None = None
        m = TAG_RE.match(line)
        if m:
            tag, line = m.group(1), m.group(2)
            parts = tag.split(";")
            if parts[0] in SENT_TAG:
                self.sentiment = SENT_TAG[parts.pop(0)]
            asp = parts[0] if parts else ""
            self.aspects = tuple(a.strip() for a in asp.split(",") if a.strip())
            for a in self.aspects:
                if a not in ASPECTS:
                    raise ValueError(f"unknown aspect {a!r} in {line!r}")
        self.text = line


def parse_templates() -> dict[str, dict[str, list[Tpl]]]:
    out: dict[str, dict[str, list[Tpl]]] = {}
    for lang, data in L.items():
        out[lang] = {}
        for cat, block in data["T"].items():
            lines = [ln.strip() for ln in block.strip("\n").split("\n") if ln.strip()]
            out[lang][cat] = [Tpl(ln) for ln in lines]
    return out


def wchoice(rng: Random, pairs):
    """Weighted choice from ((value, weight), ...) or {value: weight}."""
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    total = sum(w for _, w in items)
    r = rng.random() * total
    for v, w in items:
        r -= w
        if r < 0:
            return v
    return items[-1][0]


def ru_days(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        word = "день"
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = "дня"
    else:
        word = "дней"
    return f"{n} {word}"


def group_digits(n: int, sep: str) -> str:
    s = f"{n:,}"
    return s.replace(",", sep)


def lower_lang(s: str, lang: str) -> str:
    if lang in ("tr", "az"):
        s = s.replace("I", "ı").replace("İ", "i")
    return s.lower()


def upper_first(s: str, lang: str) -> str:
    if not s:
        return s
    c = s[0]
    if lang in ("tr", "az") and c == "i":
        up = "İ"
    elif c == "ı":
        up = "I"
    else:
        up = c.upper()
    return up + s[1:]


def lower_first(s: str, lang: str) -> str:
    if BRAND_RX.match(s):
        return s
    if len(s) > 1 and s[0].isupper() and s[1].islower():
        return lower_lang(s[0], lang) + s[1:]
    return s


# ---------------------------------------------------------------------------------------------------- slots
def brand_forms(rng: Random, lang: str, brand: str, p: str) -> dict[str, str]:
    """Spelling + case forms of one brand, consistent within a post. Keys: p, p+g, p+ab, ..."""
    latin = wchoice(rng, BRAND_LATIN[brand])
    if lang == "az":
        sep = wchoice(rng, (("", 6), ("'", 3), ("-", 1)))
        s = AZ_SUF[brand]
        f = {k: latin + sep + v for k, v in s.items()}
        f.update({"": latin, "i": latin, "t": latin})
    elif lang == "tr":
        sep = wchoice(rng, (("'", 8), ("", 2)))
        s = TR_SUF[brand]
        f = {k: latin + sep + v for k, v in s.items()}
        f.update({"": latin, "i": latin, "t": latin})
    elif lang == "hy":
        s = HY_SUF[brand]
        if rng.random() < 0.7:
            base = BRAND_ARM[brand]
            f = {k: base + v for k, v in s.items()}
        else:
            base = latin
            f = {k: base + "-" + v for k, v in s.items()}
        f[""] = base
        f["a"] = base
    elif lang == "ru":
        if rng.random() < 0.85:
            base = BRAND_CYR[brand]
            s = RU_SUF[brand]
            f = {k: base + v for k, v in s.items()}
        else:
            base = latin
            f = {"g": base, "l": base, "d": base, "i": base}
        f.update({"": base, "ab": f["g"], "a": base, "t": base})
    else:
        f = {"": latin, "g": latin + "'s"}
        for k in ("ab", "l", "d", "a", "i", "t"):
            f[k] = latin
    return {p + k: v for k, v in f.items()}


def money_slots(rng: Random, lang: str) -> dict[str, str]:
    k = rng.uniform(1.12, 1.45)
    if lang == "az":
        a = rng.randint(12, 480)
        return {"amt": str(a), "amt2": str(round(a * k)), "dfee": str(rng.choice((3, 4, 5, 6, 7, 8, 9))),
                "fee": rng.choice(("1", "1.5", "2", "2.5", "3")), "lim": str(rng.choice((40, 45, 50, 60)))}
    if lang == "tr":
        a = rng.randint(15, 480) * 10 - rng.choice((0, 0, 1))
        b = round(a * k / 10) * 10 - rng.choice((0, 1))
        return {"amt": group_digits(a, "."), "amt2": group_digits(b, "."),
                "dfee": rng.choice(("49,90", "59,90", "69,90", "79,90", "89,90")),
                "fee": rng.choice(("19,90", "24,90", "29,90", "34,90", "39,90")),
                "lim": rng.choice(("400", "500", "600", "750"))}
    if lang == "hy":
        a = rng.randint(3, 90) * 1000 + rng.choice((0, 0, 500))
        b = round(a * k / 100) * 100
        sep = rng.choice((" ", "", ","))
        return {"amt": group_digits(a, sep), "amt2": group_digits(b, sep),
                "dfee": rng.choice(("1000", "1200", "1500", "2000", "2500")),
                "fee": rng.choice(("300", "400", "500", "600")),
                "lim": rng.choice(("15 000", "20 000", "25 000", "15000", "20000"))}
    if lang == "ru":
        a = rng.randint(5, 250) * 100 - rng.choice((0, 1, 10))
        b = round(a * k / 100) * 100 - rng.choice((0, 1, 10))
        sep = rng.choice((" ", ""))
        return {"amt": group_digits(a, sep), "amt2": group_digits(b, sep),
                "dfee": rng.choice(("299", "349", "399", "499")), "fee": rng.choice(("49", "79", "99", "129", "149")),
                "lim": rng.choice(("1500", "2000", "2500", "3000"))}
    cur = wchoice(rng, (("$", 6), ("AZN", 3), ("€", 1)))
    a = rng.randint(15, 450)
    b = round(a * k)

    def fmt(v) -> str:
        return f"{v} AZN" if cur == "AZN" else f"{cur}{v}"
    return {"amt": fmt(a), "amt2": fmt(b), "dfee": fmt(rng.choice((6, 8, 9, 10, 12, 15))),
            "fee": fmt(rng.choice(("1.99", "2.49", "2.99"))) if cur != "AZN" else f"{rng.choice((1, 2, 3))} AZN",
            "lim": fmt(rng.choice((40, 50, 60, 75)))}


def build_slots(rng: Random, lang: str, brand: str, brand2: str | None, n_max: int = 12) -> dict[str, str]:
    d = L[lang]
    slots = brand_forms(rng, lang, brand, "B")
    if brand2:
        slots.update(brand_forms(rng, lang, brand2, "X"))
    slots["H"] = BRAND_HANDLE[brand]
    ht = wchoice(rng, BRAND_HASHTAGS[brand])
    if lang == "ru" and rng.random() < 0.2:
        ht = "#" + BRAND_CYR[brand].lower()
    elif lang == "hy" and rng.random() < 0.15:
        ht = "#" + BRAND_ARM[brand]
    slots["HT"] = ht
    slots["CT"] = CAMPAIGN_TAGS[lang]
    prod = rng.choice(d["products"])
    if lang == "hy":
        slots["P"], slots["Pt"], slots["Pg"] = prod
    else:
        slots["P"] = prod
    city = rng.choice(d["cities"])
    if lang in ("az", "tr"):
        slots["C"], slots["Cd"], slots["Cl"] = city
    elif lang == "hy":
        slots["C"], slots["Cl"] = city
    elif lang == "ru":
        slots["C"], slots["Ca"], slots["Cp"] = city
    else:
        slots["C"] = city[0]
    n = min(n_max, 2 + int(rng.expovariate(0.35)) + 1)
    slots["n"] = str(n)
    slots["nd"] = ru_days(n)
    slots["pct"] = str(rng.choice((15, 18, 20, 25, 30, 35, 40, 45, 50, 60)))
    slots.update(money_slots(rng, lang))
    return slots


def fill(t: str, slots: dict[str, str]) -> str:
    def rep(m: re.Match) -> str:
        k = m.group(1)
        if k not in slots:
            raise KeyError(f"slot {{{k}}} not available in {t!r}")
        return slots[k]
    return SLOT_RE.sub(rep, t)


# ---------------------------------------------------------------------------------------------------- styles
AZ_CYR = {"a": "а", "b": "б", "c": "дж", "ç": "ч", "d": "д", "e": "е", "ə": "э", "f": "ф", "g": "г", "ğ": "г",
          "h": "х", "x": "х", "ı": "ы", "i": "и", "j": "ж", "k": "к", "q": "г", "l": "л", "m": "м", "n": "н",
          "o": "о", "ö": "ё", "p": "п", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ü": "ю", "v": "в",
          "y": "й", "z": "з", "w": "в"}
PROTECT_PREFIX = ("youtube", "sms", "app", "instagram", "secure", "email", "vs", "pls", "3d", "http")
TOKEN_RE = re.compile(r"\S+")


def _protected(tok: str) -> bool:
    if tok[0] in "@#" or any(ch.isdigit() for ch in tok):
        return True
    if sum(ch.isupper() for ch in tok) >= 2:
        return True
    return tok.lower().lstrip("\"'«(").startswith(PROTECT_PREFIX)


def az_to_cyrillic(text: str) -> str:
    def conv(m: re.Match) -> str:
        tok = m.group(0)
        if _protected(tok):
            return tok
        low = tok.replace("I", "ı").replace("İ", "i").lower()
        low = low.replace("ya", "я").replace("yu", "ю")
        out = "".join(AZ_CYR.get(ch, ch) for ch in low)
        # restore capitalisation of the first letter
        first_alpha = next((i for i, ch in enumerate(tok) if ch.isalpha()), None)
        if first_alpha is not None and tok[first_alpha].isupper():
            j = next((i for i, ch in enumerate(out) if ch.isalpha()), None)
            if j is not None:
                out = out[:j] + out[j].upper() + out[j + 1:]
        return out
    return TOKEN_RE.sub(conv, text)


def az_deaccent(text: str, digraphs: bool) -> str:
    m = {"ə": "e", "Ə": "E", "ı": "i", "İ": "I", "ö": "o", "Ö": "O", "ü": "u", "Ü": "U", "ğ": "g", "Ğ": "G",
         "ş": "sh" if digraphs else "s", "Ş": "Sh" if digraphs else "S",
         "ç": "ch" if digraphs else "c", "Ç": "Ch" if digraphs else "C"}
    return "".join(m.get(ch, ch) for ch in text)


def tr_deaccent(text: str) -> str:
    m = {"ı": "i", "İ": "I", "ş": "s", "Ş": "S", "ğ": "g", "Ğ": "G", "ç": "c", "Ç": "C", "ö": "o", "Ö": "O",
         "ü": "u", "Ü": "U", "â": "a"}
    return "".join(m.get(ch, ch) for ch in text)


HY_LAT = {"ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y", "թ": "t", "ժ": "zh",
          "ի": "i", "լ": "l", "խ": "x", "ծ": "c", "կ": "k", "հ": "h", "ձ": "dz", "ղ": "gh", "ճ": "ch", "մ": "m",
          "յ": "y", "ն": "n", "շ": "sh", "ո": "o", "չ": "ch", "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v",
          "տ": "t", "ր": "r", "ց": "c", "ւ": "v", "փ": "p", "ք": "q", "օ": "o", "ֆ": "f", "և": "ev",
          "։": ".", "՝": ",", "՛": "", "՜": "!", "«": '"', "»": '"', "․": "."}


def hy_to_latin(text: str) -> str:
    """Informal 'Armenglish' as people type it: araqumy eli ushacav."""
    text = re.sub(r"(\w*)՞(\w*)", r"\1\2?", text)
    text = re.sub(r"(?<!\w)Երև", "Yerev", text)
    text = re.sub(r"(?<!\w)ով(?!\w)", "ov", text)
    text = re.sub(r"(?<!\w)Ով(?!\w)", "Ov", text)
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        low = ch.lower()
        nxt = text[i + 1].lower() if i + 1 < len(text) else ""
        prev_alpha = i > 0 and text[i - 1].isalpha()
        if low == "ո" and nxt == "ւ":
            s, step = "u", 2
        elif low == "ո" and not prev_alpha:
            s, step = "vo", 1
        else:
            s, step = HY_LAT.get(low, ch), 1
        if ch != low and s:
            s = s[0].upper() + s[1:]
        out.append(s)
        i += step
    return "".join(out)


WORD_RE = re.compile(r"(?<![@#\w])[^\W\d_]{5,}")


def add_typo(rng: Random, text: str) -> str:
    cands = [m for m in WORD_RE.finditer(text) if not BRAND_RX.search(m.group(0))]
    if not cands:
        return text
    m = rng.choice(cands)
    w = m.group(0)
    i = rng.randint(1, len(w) - 2)
    op = rng.random()
    if op < 0.4:
        w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif op < 0.75:
        w2 = w[:i] + w[i + 1:]
    else:
        w2 = w[:i] + w[i] + w[i:]
    return text[:m.start()] + w2 + text[m.end():]


def join_sentences(parts: list[str], lang: str) -> str:
    out = ""
    for p in parts:
        if not p:
            continue
        if out:
            if out[-1].isalnum() or out[-1] in "»\"'":
                out += "։" if lang == "hy" else "."
            out += " "
        out += p
    return out


# ---------------------------------------------------------------------------------------------------- authors & ids
IG_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
TWITTER_EPOCH_MS = 1288834974657


def to_base(n: int, alphabet: str) -> str:
    b = len(alphabet)
    s = ""
    while n:
        n, r = divmod(n, b)
        s = alphabet[r] + s
    return s or alphabet[0]


class Authors:
    """Fictional handles per language with a heavy-tailed activity weight."""

    def __init__(self, rng: Random, per_lang: dict[str, int]) -> None:
        self.pool: dict[str, list[str]] = {}
        self.cum: dict[str, list[float]] = {}
        seen: set[str] = set()
        for lang in LANGS:
            d = L[lang]
            handles: list[str] = []
            weights: list[float] = []
            while len(handles) < per_lang[lang]:
                h = self._handle(rng, d)
                if h in seen or len(h) > 15 or len(h) < 4:
                    continue
                seen.add(h)
                handles.append(h)
                weights.append(min(AUTHOR_MAX_WEIGHT, rng.paretovariate(AUTHOR_PARETO)))
            acc, cum = 0.0, []
            for w in weights:
                acc += w
                cum.append(acc)
            self.pool[lang] = handles
            self.cum[lang] = cum

    @staticmethod
    def _handle(rng: Random, d: dict) -> str:
        name = rng.choice(d["names"])
        sur = rng.choice(d["surnames"])
        word = rng.choice(d["words"])
        sep = rng.choice(("", "_", "", "_", ""))
        pat = wchoice(rng, (("ns", 30), ("nsd", 15), ("nd", 22), ("nw", 14), ("wn", 9), ("ni", 10)))
        digits = str(rng.choice((rng.randint(1, 99), rng.randint(80, 99), rng.randint(0, 9) + 2000,
                                 rng.randint(100, 9999))))
        h = {"ns": name + sep + sur, "nsd": name + sep + sur + digits[-2:], "nd": name + digits,
             "nw": name + sep + word, "wn": word + sep + name, "ni": name + "_" + sur[0] + digits[-2:]}[pat]
        if rng.random() < 0.07:
            h = h.capitalize()
        return h

    def pick(self, rng: Random, lang: str, exclude: str | None = None) -> str:
        pool, cum = self.pool[lang], self.cum[lang]
        while True:
            h = rng.choices(pool, cum_weights=cum, k=1)[0]
            if h != exclude:
                return h


class IdMaker:
    """Native ids and canonical URLs per platform (unique)."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.review_n = 10000
        self.brand_media: dict[tuple[str, int], int] = {}

    def _uniq(self, make) -> str:
        while True:
            v = make()
            if v not in self.used:
                self.used.add(v)
                return v

    def make(self, platform: str, ts: datetime, author: str, brand: str, lang: str) -> tuple[str, str]:
        rng = self.rng
        ms = int(ts.timestamp() * 1000) + rng.randint(0, 999)
        day = (ts.date() - FIRST_DAY).days
        if platform == "x":
            i = self._uniq(lambda: str(((ms - TWITTER_EPOCH_MS) << 22) | rng.getrandbits(22)))
            return i, f"https://x.com/{author}/status/{i}"
        if platform == "reddit":
            sub = rng.choice(L[lang]["subs"]) if rng.random() > 0.12 else BRAND_PAGE[brand]
            post = to_base(2_680_000_000 + day * 30_000 + rng.randint(0, 29_999), B36)
            if rng.random() < 0.35:
                i = self._uniq(lambda: "t3_" + to_base(2_680_000_000 + day * 30_000 + rng.randint(0, 29_999), B36))
                return i, f"https://www.reddit.com/r/{sub}/comments/{i[3:]}/"
            i = self._uniq(lambda: "t1_" + to_base(48_000_000_000 + day * 2_000_000 + rng.randint(0, 1_999_999), B36))
            return i, f"https://www.reddit.com/r/{sub}/comments/{post}/comment/{i[3:]}/"
        if platform == "instagram":
            if rng.random() < 0.3:
                i = self._uniq(lambda: str(rng.randint(3_400_000_000_000_000_000, 3_499_999_999_999_999_999)))
                return i, f"https://www.instagram.com/p/{to_base(int(i), IG_ALPHABET)}/"
            key = (brand, day // 3)
            if key not in self.brand_media:
                self.brand_media[key] = rng.randint(3_400_000_000_000_000_000, 3_499_999_999_999_999_999)
            code = to_base(self.brand_media[key], IG_ALPHABET)
            i = self._uniq(lambda: str(rng.randint(17_800_000_000_000_000, 18_099_999_999_999_999)))
            return i, f"https://www.instagram.com/p/{code}/c/{i}/"
        if platform == "facebook":
            i = self._uniq(lambda: str(rng.randint(1_000_000_000_000_000, 9_999_999_999_999_999)))
            if rng.random() < 0.6:
                post = rng.randint(1_000_000_000_000_000, 9_999_999_999_999_999)
                return i, f"https://www.facebook.com/{BRAND_PAGE[brand]}/posts/{post}?comment_id={i}"
            return i, f"https://www.facebook.com/{author}/posts/{i}"
        self.review_n += rng.randint(1, 40)
        n = self.review_n
        self.used.add(f"rv-{n}")
        return f"rv-{n}", f"https://reviews.example/{BRAND_PAGE[brand]}/{n}"


STORE_APP = {"app_store": "https://apps.apple.com/app/{page}/review/{n}",
             "google_play": "https://play.google.com/store/apps/details?id=example.{page}&reviewId={n}"}
_STARS_IN_TEXT = re.compile(r"(★+)☆*|\((\d)/5\)")


def app_review(native_id: str, brand: str, text: str) -> tuple[str, str, dict]:
    """A review's store (App Store for even numbers, Google Play for odd ones), URL and star rating.

    The stars are the ones the text already shows, so the ``rating`` column and the text never disagree.
    """
    n = int(native_id.removeprefix("rv-"))
    store = "app_store" if n % 2 == 0 else "google_play"
    found = next(reversed(list(_STARS_IN_TEXT.finditer(text))), None)  # the last: emoji may follow the stars
    if found is None:
        raise AssertionError(f"review {native_id} shows no stars")
    stars = len(found.group(1)) if found.group(1) else int(found.group(2))
    return store, STORE_APP[store].format(page=BRAND_PAGE[brand], n=n), {"rating": stars}


def engagement(rng: Random, platform: str, boost: float = 1.0) -> tuple[int, int, int]:
    viral = rng.random() < 0.012
    mult = boost * (rng.uniform(25, 180) if viral else 1.0)
    if platform == "x":
        likes = int(rng.lognormvariate(0.9, 1.35) * mult)
        return likes, int(likes * rng.uniform(0, 0.3)), int(likes * rng.uniform(0.02, 0.25)) + (rng.random() < 0.3)
    if platform == "reddit":
        likes = int(rng.lognormvariate(1.4, 1.2) * mult)
        return likes, 0, int(rng.lognormvariate(0.4, 1.1) * (mult ** 0.5))
    if platform == "instagram":
        likes = int(rng.lognormvariate(1.0, 1.3) * mult)
        return likes, 0, int(likes * rng.uniform(0, 0.2))
    if platform == "facebook":
        likes = int(rng.lognormvariate(0.8, 1.3) * mult)
        return likes, int(likes * rng.uniform(0, 0.15)), int(likes * rng.uniform(0, 0.3))
    return int(rng.lognormvariate(0.3, 1.0) * boost), 0, int(rng.random() < 0.15)


# ---------------------------------------------------------------------------------------------------- posts
ASPECT_CATS = set(ASPECTS)
AUTHOR_POOL = 1950          # handles generated; ~1,500 of them end up posting
AUTHOR_PARETO = 1.6         # heavy tail: most post once, a few post a lot
AUTHOR_MAX_WEIGHT = 15.0
KIND_SENTIMENT = {"neg": "negative", "pos": "positive", "neu": "neutral", "surge": "negative",
                  "fee": "negative", "campaign": "positive"}


class Generator:
    def __init__(self) -> None:
        self.rng = Random(SEED)
        self.T = parse_templates()
        self._validate()
        per_lang = {lang: round(AUTHOR_POOL * LANG_WEIGHTS[lang]) for lang in LANGS}
        self.authors = Authors(self.rng, per_lang)
        self.ids = IdMaker(self.rng)
        self.recent: dict[str, list[str]] = defaultdict(list)   # per language, for @replies

    def _validate(self) -> None:
        """Fill every template with a full slot set once, so a typo in a slot name fails loudly."""
        rng = Random(0)
        for lang in LANGS:
            slots = build_slots(rng, lang, "Narmart", "Tezbazar")
            for cat, tpls in self.T[lang].items():
                for t in tpls:
                    fill(t.text, slots)
                if cat in ASPECT_CATS and len(tpls) < 5:
                    raise ValueError(f"{lang}/{cat}: too few templates")

    # -- template choice -------------------------------------------------------------------------------
    def _pick(self, lang: str, cat: str, sentiment: str | None = None) -> tuple[Tpl, tuple[str, ...]]:
        pool = self.T[lang][cat]
        if cat == "campaign":
            pool = [t for t in pool if (t.sentiment or "positive") == sentiment]
        t = self.rng.choice(pool)
        if t.aspects is not None:
            return t, t.aspects
        if cat in ASPECT_CATS:
            return t, (cat,)
        if cat == "surge":
            return t, ("delivery",)
        if cat == "fee":
            return t, ("price",)
        return t, ()

    def _other_aspect(self, exclude: str) -> str:
        w = {a: v for a, v in NEG_ASPECT_WEIGHTS.items() if a != exclude}
        return wchoice(self.rng, w)

    def _sentences(self, lang: str, kind: str, aspect: str | None, platform: str,
                   sentiment: str) -> tuple[list[tuple[Tpl, tuple[str, ...]]], str, str]:
        """Returns ([(template, aspects)], sentiment, mode) with mode in text|short|emoji."""
        rng = self.rng
        picks: list[tuple[Tpl, tuple[str, ...]]] = []
        review = platform == "review"
        if kind in ("neg", "pos", "neu") and not review:
            r = rng.random()
            if r < (0.015 if kind != "neu" else 0.01):
                return [], sentiment, "emoji"
            if kind != "neu" and r < 0.055:
                t = rng.choice(self.T[lang]["short_neg" if kind == "neg" else "short_pos"])
                return [(t, ())], sentiment, "short"
        if kind == "neg":
            picks.append(self._pick(lang, aspect))
            if rng.random() < 0.15 or review:
                picks.append(self._pick(lang, self._other_aspect(aspect)))
            if review and rng.random() < 0.5:
                picks.append(self._pick(lang, aspect))
        elif kind == "pos":
            picks.append(self._pick(lang, "praise"))
            if review:
                picks.extend(self._pick(lang, "praise") for _ in range(rng.randint(1, 2)))
        elif kind == "neu":
            if review:           # a mixed review: one good thing, one bad thing
                picks.append(self._pick(lang, "praise"))
                picks.append(self._pick(lang, wchoice(rng, NEG_ASPECT_WEIGHTS)))
            else:
                picks.append(self._pick(lang, "neutral"))
        elif kind == "compare":
            t, asp = self._pick(lang, "compare")
            picks.append((t, asp))
            sentiment = t.sentiment or "neutral"
        elif kind == "surge":
            picks.append(self._pick(lang, "surge" if rng.random() < 0.6 else "delivery"))
            if review:
                picks.append(self._pick(lang, rng.choice(("delivery", "support", "communication"))))
        elif kind == "fee":
            picks.append(self._pick(lang, "fee" if rng.random() < 0.7 else "price"))
            if review:
                picks.append(self._pick(lang, "price"))
        elif kind == "campaign":
            picks.append(self._pick(lang, "campaign", sentiment))
            if review:
                picks.append(self._pick(lang, "praise"))
        # longer reddit posts: a second sentence from the same pool
        if platform == "reddit" and len(picks) == 1 and kind != "compare" and rng.random() < 0.35:
            cat = {"neg": aspect, "pos": "praise", "neu": "neutral", "surge": "delivery", "fee": "fee",
                   "campaign": "praise"}[kind]
            extra = self._pick(lang, cat, sentiment)
            if extra[0] is not picks[0][0]:
                picks.append(extra)
        return picks, sentiment, "text"

    # -- one post --------------------------------------------------------------------------------------
    def compose(self, lang: str, kind: str, brand: str, brand2: str | None, aspect: str | None,
                platform: str, author: str) -> tuple[str, dict]:
        rng = self.rng
        sentiment = KIND_SENTIMENT.get(kind, "neutral")
        if kind == "campaign" and rng.random() < CAMPAIGN_NEUTRAL_SHARE:
            sentiment = "neutral"
        picks, sentiment, mode = self._sentences(lang, kind, aspect, platform, sentiment)
        T = self.T[lang]
        if any("{X" in t.text for t, _ in picks) and not brand2:
            others = {"Narmart": 0.7, "Lumo": 0.3} if brand == "Tezbazar" else {"Tezbazar": 0.6, "Lumo": 0.4}
            brand2 = wchoice(rng, others)
        slots = build_slots(rng, lang, brand, brand2, n_max=14 if kind == "surge" else 12)
        script = {"hy": "armenian", "ru": "cyrillic"}.get(lang, "latin")

        if mode == "emoji":
            text = fill(rng.choice(EMOJI_ONLY[sentiment]), slots) + rng.choice(EMOJI_EXTRA)
            truth = {"lang": lang, "script": "latin", "sentiment": sentiment, "aspects": [],
                     "brands": [brand]}
            return text, truth

        parts = []
        aspects: list[str] = []
        has_brand = False
        for t, asp in picks:
            s = fill(t.text, slots)
            if t.text.startswith(("{P", "{C")):
                s = upper_first(s, lang)
            parts.append(s)
            aspects.extend(asp)
            has_brand = has_brand or any(k in t.text for k in ("{B", "{H", "{X", "{CT"))
        body = join_sentences(parts, lang)

        # openers / closers
        sk = {"negative": "neg", "positive": "pos", "neutral": "neu"}[sentiment]
        p_open, p_close = {"neg": (0.18, 0.35), "pos": (0.14, 0.4), "neu": (0.3, 0.22)}[sk]
        opened = mode == "text" and rng.random() < p_open
        if opened:
            op = rng.choice(T["op_" + sk]).text
            if op.endswith(","):
                body = lower_first(body, lang)
            body = op + " " + body
        if mode == "text" and rng.random() < p_close:
            body = join_sentences([body, rng.choice(T["cl_" + sk]).text], lang)
        if platform == "review":
            title = rng.choice(T["rt_" + sk]).text
            stars = {"neg": rng.choice((1, 1, 2)), "neu": 3, "pos": rng.choice((4, 5, 5))}[sk]
            star_txt = "★" * stars + "☆" * (5 - stars)
            body = f"{title}\n\n{body}\n\n{star_txt}" if rng.random() < 0.6 else f"{title}. {body} ({stars}/5)"

        # brand must be visible in the text
        if not has_brand:
            r = rng.random()
            if platform == "review":
                body = f"{slots['B']}: {body}"
            elif r < 0.35:
                body = f"{slots['H']} {body}"
            elif r < 0.6:
                body = f"{body} {slots['HT']}"
            elif r < 0.82 and not opened:
                body = f"{slots['B']}, {lower_first(body, lang)}"
            else:
                body = f"{body} {slots['H']}"
        # hashtags and emoji
        if platform in ("x", "instagram"):
            if rng.random() < 0.12:
                body += " " + rng.choice(T["tags"]).text
            if rng.random() < 0.10 and slots["HT"] not in body:
                body += " " + slots["HT"]
        if rng.random() < PLATFORM_EMOJI_P[platform]:
            pool = {"neg": NEG_EMOJI, "pos": POS_EMOJI, "neu": NEU_EMOJI}[sk]
            body += " " + rng.choice(pool) * rng.choice((1, 1, 1, 2, 3))
        # replies to other users
        if platform != "review" and rng.random() < 0.10:
            others = [self.authors.pick(rng, lang, exclude=author) for _ in range(1 + (rng.random() < 0.2))]
            prefix = " ".join("@" + o for o in dict.fromkeys(others))
            if rng.random() < 0.5:
                prefix += " " + rng.choice(T["rp_" + sk]).text
            body = prefix + " " + body

        # writing styles
        if lang == "az":
            r = rng.random()
            if r < 0.08:
                body = az_to_cyrillic(body)
                script = "cyrillic"
            elif r < 0.26:
                body = az_deaccent(body, digraphs=rng.random() < 0.3)
        elif lang == "tr" and rng.random() < 0.08:
            body = tr_deaccent(body)
        elif lang == "hy":
            r = rng.random()
            if r < 0.15:
                body = hy_to_latin(body)
                script = "latin"
            elif r < 0.50:
                body = body.replace("։", ":")
            elif r < 0.58:
                body = body.replace("։", ".")
        elif lang == "ru" and rng.random() < 0.5:
            body = body.replace("ё", "е")
        if platform != "review" and rng.random() < (0.14 if platform in ("x", "instagram") else 0.05):
            body = lower_lang(body, lang)
        if rng.random() < (0.04 if platform == "review" else 0.07):
            body = add_typo(rng, body)
        if body.endswith(".") and not body.endswith("..") and rng.random() < 0.4:
            body = body[:-1]
        elif rng.random() < 0.25:             # people type ?? and !! and ...
            if body.endswith("?"):
                body += rng.choice(("?", "??", "!"))
            elif body.endswith("!"):
                body += rng.choice(("!", "!!"))
            elif body[-1:].isalpha():
                body += rng.choice(("!", "...", "!!", ".."))
        body = re.sub(r"[ \t]{2,}", " ", body).strip()

        brands = [brand] + ([brand2] if brand2 and any("{X" in t.text for t, _ in picks) else [])
        order = {a: i for i, a in enumerate(ASPECTS)}
        truth = {"lang": lang, "script": script, "sentiment": sentiment,
                 "aspects": sorted(set(aspects), key=order.__getitem__), "brands": brands}
        return body, truth

    # -- records ---------------------------------------------------------------------------------------
    def timestamp(self, day: date) -> datetime:
        rng = self.rng
        hour = wchoice(rng, list(enumerate(HOUR_WEIGHTS)))
        return datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), rng.randint(0, 59), tzinfo=UTC)

    def record(self, day: date, lang: str, kind: str, brand: str, brand2: str | None = None,
               aspect: str | None = None, storyline: str | None = None, boost: float = 1.0) -> dict:
        rng = self.rng
        platform = wchoice(rng, PLATFORM_WEIGHTS)
        ts = self.timestamp(day)
        author = self.authors.pick(rng, lang)
        text, truth = self.compose(lang, kind, brand, brand2, aspect, platform, author)
        native_id, url = self.ids.make(platform, ts, author, brand, lang)
        likes, reposts, replies = engagement(rng, platform, boost)
        extra = {}
        if platform == "review":  # app reviews: the store and the stars follow from what was drawn (no new draw)
            platform, url, extra = app_review(native_id, brand, text)
        rec = {"id": native_id, "platform": platform, "created_at": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "author": author, "url": url, "text": text, "likes": likes, "reposts": reposts,
               "replies": replies, **extra}
        tr = {"id": native_id, "platform": platform, **truth, "storyline": storyline}
        return {"rec": rec, "truth": tr}

    def background(self, day: date) -> dict:
        rng = self.rng
        lang = wchoice(rng, LANG_WEIGHTS)
        if rng.random() < COMPARE_SHARE:
            b1 = wchoice(rng, BRAND_WEIGHTS)
            b2 = wchoice(rng, {b: w for b, w in BRAND_WEIGHTS.items() if b != b1})
            return self.record(day, lang, "compare", b1, b2)
        brand = wchoice(rng, BRAND_WEIGHTS)
        sentiment = wchoice(rng, SENTIMENT_WEIGHTS)
        kind = {"negative": "neg", "neutral": "neu", "positive": "pos"}[sentiment]
        aspect = wchoice(rng, NEG_ASPECT_WEIGHTS) if kind == "neg" else None
        return self.record(day, lang, kind, brand, aspect=aspect)

    def run(self) -> tuple[list[dict], list[dict]]:
        rng = self.rng
        items: list[dict] = []
        for i in range(N_DAYS):
            day = FIRST_DAY + timedelta(days=i)
            ds = day.isoformat()
            mean = BACKGROUND_PER_DAY * WEEKDAY_FACTOR[day.weekday()] * (0.95 + 0.1 * i / (N_DAYS - 1))
            n_bg = max(0, round(rng.gauss(mean, 0.8 * mean ** 0.5)))
            items.extend(self.background(day) for _ in range(n_bg))
            # storyline 1: Narmart delivery surge
            for _ in range(SURGE_EXTRA.get(ds, 0)):
                boost = 1.8 if "2026-10-23" <= ds <= "2026-10-26" else 1.2
                items.append(self.record(day, wchoice(rng, SURGE_LANG_WEIGHTS), "surge", "Narmart",
                                         storyline="delivery_surge", boost=boost))
            # storyline 2: Tezbazar price backlash
            if day >= PRICE_START:
                n = PRICE_FIRST_DAYS.get(ds) or rng.randint(*PRICE_DAILY_RANGE)
                items.extend(self.record(day, wchoice(rng, PRICE_LANG_WEIGHTS), "fee", "Tezbazar",
                                         storyline="price_backlash") for _ in range(n))
            # storyline 3: Narmart autumn campaign
            for _ in range(CAMPAIGN_EXTRA.get(ds, 0)):
                items.append(self.record(day, wchoice(rng, LANG_WEIGHTS), "campaign", "Narmart",
                                         storyline="campaign", boost=1.3))
        items.sort(key=lambda it: (it["rec"]["created_at"], it["rec"]["platform"], it["rec"]["id"]))
        mentions = [it["rec"] for it in items]
        truths = [it["truth"] for it in items]
        bad, giant_truth = self.bad_records()
        mentions.extend(bad)
        truths.append(giant_truth)
        return mentions, truths

    # -- the 6 records a real export contains ----------------------------------------------------------
    def bad_records(self) -> tuple[list[dict], dict]:
        rng = self.rng

        def base(platform: str, day: date, lang: str, brand: str = "Narmart") -> dict:
            ts = self.timestamp(day)
            author = self.authors.pick(rng, lang)
            native_id, url = self.ids.make(platform, ts, author, brand, lang)
            likes, reposts, replies = engagement(rng, platform)
            return {"id": native_id, "platform": platform, "created_at": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "author": author, "url": url, "text": "", "likes": likes, "reposts": reposts,
                    "replies": replies}

        empty = base("x", date(2026, 11, 15), "az")
        blank = base("instagram", date(2026, 11, 14), "tr")
        blank["text"] = "   \n\t  "
        yesterday = base("facebook", date(2026, 11, 15), "ru", "Tezbazar")
        yesterday["created_at"] = "yesterday"
        yesterday["text"] = "Тезбазар опять поднял цены, сервисный сбор 99 ₽ с каждого заказа. Ухожу"
        no_date = base("reddit", date(2026, 11, 13), "en", "Lumo")
        del no_date["created_at"]
        no_date["text"] = "Anyone tried Lumo for groceries? Thinking of switching from Tezbazar"
        lots = base("x", date(2026, 11, 12), "tr")
        lots["text"] = "@narmart siparişim nihayet geldi, teşekkürler 👍"
        lots["likes"] = "lots"
        # 40,000 characters: a pasted tracking log. Valid - the pipeline should keep it.
        giant = base("reddit", date(2026, 10, 24), "en")
        giant["id"] = self.ids._uniq(lambda: "t3_" + to_base(2_680_000_000 + 47 * 30_000 + rng.randint(0, 29_999), B36))
        giant["url"] = f"https://www.reddit.com/r/onlineshopping/comments/{giant['id'][3:]}/"
        giant["created_at"] = "2026-10-24T19:42:07Z"
        head = ("@narmart I'm pasting the whole tracking log from your app because support keeps telling me "
                "the parcel is \"on its way\". Order NM-58213077, Narmart Logistics, same status for days:\n\n")
        lines = []
        t = datetime(2026, 10, 16, 6, 0, 0, tzinfo=UTC)
        k = 0
        size = len(head)
        while size < 40_000:
            k += 1
            line = (f"{t:%Y-%m-%d %H:%M:%S} UTC | NM-58213077 | SORTING_CENTER_HOLD | hub=BAKU-SC2 | "
                    f"attempt {k} | Narmart Logistics: parcel awaiting processing\n")
            lines.append(line)
            size += len(line)
            t += timedelta(minutes=31)
        giant["text"] = (head + "".join(lines))[:40_000]
        giant_truth = {"id": giant["id"], "platform": "reddit", "lang": "en", "script": "latin",
                       "sentiment": "negative", "aspects": ["delivery"], "brands": ["Narmart"],
                       "storyline": "delivery_surge"}
        return [empty, giant, yesterday, lots, blank, no_date], giant_truth


# ---------------------------------------------------------------------------------------------------- output
def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(argv: list[str]) -> int:
    gen = Generator()
    mentions, truths = gen.run()
    write_jsonl(HERE / "mentions.jsonl", mentions)
    write_jsonl(HERE / "truth.jsonl", truths)
    print(f"wrote {len(mentions)} mentions (6 deliberately bad/odd at the end) and {len(truths)} truth rows "
          f"to {HERE}")
    if "--stats" in argv:
        print_stats(HERE / "mentions.jsonl", HERE / "truth.jsonl")
    return 0


# ---------------------------------------------------------------------------------------------------- stats
def _pct(c: Counter, total: int) -> str:
    return ", ".join(f"{k}={v} ({100 * v / total:.1f}%)" for k, v in c.most_common())


def print_stats(mentions_path: Path, truth_path: Path) -> None:  # noqa: PLR0912, PLR0915
    lines = mentions_path.read_text(encoding="utf-8").splitlines()
    recs = [json.loads(x) for x in lines]
    truths = {(t["platform"], t["id"]): t for t in map(json.loads, truth_path.read_text(encoding="utf-8").splitlines())}
    valid = [r for r in recs if (r["platform"], r["id"]) in truths]
    n = len(valid)
    print(f"\nlines={len(recs)} with_truth={n} without_truth={len(recs) - n} "
          f"(last 6 = {[r['id'] for r in recs[-6:]]})")
    bg = [r for r in valid if truths[(r["platform"], r["id"])]["storyline"] is None]
    tv = [truths[(r["platform"], r["id"])] for r in valid]
    tb = [truths[(r["platform"], r["id"])] for r in bg]
    print("lang:     ", _pct(Counter(t["lang"] for t in tv), n))
    print("script:   ", _pct(Counter((t["lang"], t["script"]) for t in tv), n))
    print("platform: ", _pct(Counter(r["platform"] for r in valid), n))
    print("storyline:", _pct(Counter(t["storyline"] for t in tv), n))
    print("background brands:", _pct(Counter("+".join(t["brands"]) if len(t["brands"]) < 2 else "two brands"
                                             for t in tb), len(tb)))
    print("background sentiment:", _pct(Counter(t["sentiment"] for t in tb), len(tb)))
    print("all sentiment:", _pct(Counter(t["sentiment"] for t in tv), n))
    for s in ("negative", "positive", "neutral"):
        c = Counter(a for t in tv if t["sentiment"] == s for a in t["aspects"])
        c["(none)"] = sum(1 for t in tv if t["sentiment"] == s and not t["aspects"])
        print(f"aspects|{s}: ", dict(c.most_common()))
    # brand visible in text?
    missing = [r["id"] for r in valid for b in truths[(r["platform"], r["id"])]["brands"]
               if b not in {BRAND_OF_MATCH[m.lower()] for m in BRAND_RX.findall(r["text"])}]
    extra = [r["id"] for r in valid
             if {BRAND_OF_MATCH[m.lower()] for m in BRAND_RX.findall(r["text"])}
             - set(truths[(r["platform"], r["id"])]["brands"])]
    print(f"truth brand not found in text: {len(missing)}; text brand not in truth: {len(extra)}; "
          f"unfilled slots: {sum(1 for r in valid if re.search(r'[{}]', r['text']))}")
    texts = Counter(r["text"] for r in valid)
    dups = sum(v - 1 for v in texts.values() if v > 1)
    print(f"exact duplicate texts: {dups} ({100 * dups / n:.2f}%)  distinct authors: "
          f"{len({r['author'] for r in valid})}  max posts/author: "
          f"{Counter(r['author'] for r in valid).most_common(1)[0][1]}")
    user_mentions = sum(1 for r in valid if re.match(r"@(?!narmart|tezbazar|lumo_shop)\w+", r["text"]))
    print(f"replies starting with @user: {user_mentions} ({100 * user_mentions / n:.1f}%)")
    lens = sorted(len(r["text"]) for r in valid)
    print(f"text length p10/p50/p90/max: {lens[n // 10]}/{lens[n // 2]}/{lens[9 * n // 10]}/{lens[-1]}")
    ids = [(r["platform"], r["id"]) for r in recs]
    print(f"unique (platform,id): {len(set(ids)) == len(ids)}; unique id: {len({i for _, i in ids}) == len(ids)}; "
          f"x ids 19 digits: {all(len(r['id']) == 19 and r['id'].isdigit() for r in recs if r['platform'] == 'x')}")
    print("hour (UTC):", [sum(1 for r in valid if int(r["created_at"][11:13]) == h) for h in range(24)])
    wd = Counter(date.fromisoformat(r["created_at"][:10]).weekday() for r in valid)
    print("weekday Mon..Sun:", [wd[i] for i in range(7)])
    likes = sorted(r["likes"] for r in valid)
    print(f"likes p50/p90/p99/max: {likes[n // 2]}/{likes[9 * n // 10]}/{likes[99 * n // 100]}/{likes[-1]}")

    def daily(pred, start: str, end: str) -> str:
        c = Counter(r["created_at"][:10] for r in valid if pred(truths[(r["platform"], r["id"])]))
        d, out = date.fromisoformat(start), []
        while d <= date.fromisoformat(end):
            out.append(f"{d:%m-%d}:{c[d.isoformat()]}")
            d += timedelta(days=1)
        return " ".join(out)

    def nar_deliv(t):
        return "Narmart" in t["brands"] and t["sentiment"] == "negative" and "delivery" in t["aspects"]

    def tez_price(t):
        return "Tezbazar" in t["brands"] and t["sentiment"] == "negative" and "price" in t["aspects"]

    def camp(t):
        return t["storyline"] == "campaign"

    print("\nNarmart negative delivery mentions/day:")
    print(" ", daily(nar_deliv, "2026-09-07", "2026-09-20"))
    print(" ", daily(nar_deliv, "2026-10-10", "2026-11-15"))
    print("Tezbazar negative price mentions/day:")
    print(" ", daily(tez_price, "2026-09-20", "2026-10-10"))
    print(" ", daily(tez_price, "2026-11-01", "2026-11-15"))
    print("Campaign (storyline) mentions/day, and all Narmart positive/day:")
    print(" ", daily(camp, "2026-09-16", "2026-10-05"))
    print(" ", daily(lambda t: "Narmart" in t["brands"] and t["sentiment"] == "positive", "2026-09-14", "2026-10-06"))
    surge_lang = Counter(t["lang"] for t in tv if t["storyline"] == "delivery_surge")
    price_lang = Counter(t["lang"] for t in tv if t["storyline"] == "price_backlash")
    camp_lang = Counter(t["lang"] for t in tv if t["storyline"] == "campaign")
    print("storyline langs: surge", dict(surge_lang), "| price", dict(price_lang), "| campaign", dict(camp_lang))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
